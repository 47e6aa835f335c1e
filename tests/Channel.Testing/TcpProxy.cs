using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Channel.Testing;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a real server (PostgreSQL, here), which a test can cut:
/// every open connection is reset and new ones are refused until it is restored. What a service
/// sees is what a failover or a network partition looks like, without stopping the server the other
/// tests share.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly int target;
    readonly CancellationTokenSource stop = new();
    readonly ConcurrentDictionary<TcpClient, TcpClient> open = new();
    volatile bool cut;
    int refused;
    int accepted;
    long cutAt;

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public TcpProxy(int targetPort)
    {
        target = targetPort;
        listener.Start();
        _ = Task.Run(Accept);
    }

    /// <summary>Connections passed on to the server since the proxy started.</summary>
    public int Accepted => Volatile.Read(ref accepted);

    /// <summary>Connections refused since the last cut: the other side kept trying.</summary>
    public int Refused => Volatile.Read(ref refused);

    /// <summary>How long the proxy has been cut (zero when it is not).</summary>
    public TimeSpan CutFor => cut ? TimeSpan.FromTicks(DateTime.UtcNow.Ticks - Interlocked.Read(ref cutAt)) : TimeSpan.Zero;

    /// <summary>Resets every connection and refuses new ones.</summary>
    public void Cut()
    {
        Interlocked.Exchange(ref refused, 0);
        Interlocked.Exchange(ref cutAt, DateTime.UtcNow.Ticks);
        cut = true;
        foreach (var (client, server) in open)
        {
            Reset(client);
            Reset(server);
        }
        open.Clear();
    }

    public void Restore() => cut = false;

    async Task Accept()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            catch (Exception) { return; }
            if (cut)
            {
                Interlocked.Increment(ref refused);
                Reset(client);
                continue;
            }
            _ = Task.Run(async () =>
            {
                var server = new TcpClient();
                try { await server.ConnectAsync(IPAddress.Loopback, target, stop.Token); }
                catch (Exception) { Reset(client); server.Dispose(); return; }
                open[client] = server;
                Interlocked.Increment(ref accepted);
                await Task.WhenAny(Pipe(client, server), Pipe(server, client));
                open.TryRemove(client, out _);
                client.Dispose();
                server.Dispose();
            });
        }
    }

    async Task Pipe(TcpClient from, TcpClient to)
    {
        try { await from.GetStream().CopyToAsync(to.GetStream(), stop.Token); }
        catch (Exception) { }
    }

    static void Reset(TcpClient client)
    {
        try { client.Client.LingerState = new LingerOption(true, 0); client.Close(); }
        catch (Exception) { }
    }

    public ValueTask DisposeAsync()
    {
        stop.Cancel();
        listener.Stop();
        Cut();
        return ValueTask.CompletedTask;
    }
}
