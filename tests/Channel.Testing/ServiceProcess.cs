using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Channel.Testing;

/// <summary>
/// A Channel service run as its own process from its build output, the way <c>./channel up</c> runs
/// it, with its log kept under the test output. Unless told a port, it listens on port 0 and the
/// kernel gives it a free one, which it reports in its log ("Now listening on: …"): no port is
/// chosen here and freed again before the child binds it, while other fixtures start their own.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    readonly Process process;
    readonly StreamWriter log;
    readonly TaskCompletionSource<int> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public string Name { get; }
    /// <summary>The port it listens on (known when <see cref="Start"/> returns: it waits until the process has said it).</summary>
    public int Port { get; private set; }
    public string Address => $"http://127.0.0.1:{Port}";

    [GeneratedRegex(@"Now listening on: http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningOn();

    /// <summary>The process's resident memory now and at its peak, in bytes (from /proc).</summary>
    public (long Now, long Peak) Memory()
    {
        long Read(string field) => File.ReadLines($"/proc/{process.Id}/status").Where(l => l.StartsWith(field + ":"))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024).FirstOrDefault();
        return (Read("VmRSS"), Read("VmHWM"));
    }
    public string LogPath { get; }

    ServiceProcess(string name, int port, Process process, StreamWriter log, string logPath)
    {
        Name = name;
        Port = port;
        if (port != 0) listening.SetResult(port);
        this.process = process;
        this.log = log;
        LogPath = logPath;
    }

    /// <summary>
    /// A port chosen before the child starts, for a child others must know the address of before it runs or that must
    /// come back on the same port (the gateway, the identity provider, the chaos run's services): below the kernel's
    /// ephemeral range (32768 and up here), so no outgoing connection (a database or broker client's own end) can take it
    /// between this check and the child's bind, and never one this process handed out before, nor the brokers'
    /// distribution ports. Chosen at random, so test processes running side by side rarely meet.
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            if (port is >= 25_600 and < 25_700) continue; // the brokers' distribution ports (a stopped broker comes back on its own)
            lock (handedOut) if (!handedOut.Add(port)) continue;
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException) { }
        }
    }

    static readonly HashSet<int> handedOut = [];

    /// <summary>The build configuration the tests were built in (the services were built with them).</summary>
    static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    public static string DllOf(string service) =>
        Path.Combine(TestEnvironment.Root, "services", service, "bin", Configuration, "net10.0", $"Channel.{service}.dll");

    public static async Task<ServiceProcess> Start(string service, IDictionary<string, string> environment, int? port = null,
        bool waitUntilReady = true)
    {
        var chosen = port ?? 0;
        var dll = DllOf(service);
        if (!File.Exists(dll)) throw new FileNotFoundException($"build the solution first: {dll} is missing");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{chosen}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Auth__SigningKey"] = TestEnvironment.SigningKeyBase64;
        foreach (var (key, value) in environment) start.Environment[key] = value;

        var logDir = Path.Combine(AppContext.BaseDirectory, "service-logs");
        Directory.CreateDirectory(logDir);
        var logPath = Path.Combine(logDir, $"{service.ToLowerInvariant()}-{(chosen != 0 ? chosen.ToString() : Guid.NewGuid().ToString("N")[..12])}.log");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        var running = new ServiceProcess(service, chosen, process, log, logPath);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (log) log.WriteLine(e.Data);
            if (!running.listening.Task.IsCompleted && ListeningOn().Match(e.Data) is { Success: true } found)
            {
                running.Port = int.Parse(found.Groups[1].Value);
                running.listening.TrySetResult(running.Port);
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (waitUntilReady) await running.WaitUntilReady();
        else await running.WaitUntilListening(DateTime.UtcNow + StartLimit);
        return running;
    }

    /// <summary>
    /// How long a process may take to start: a service alone starts in seconds, but on a CI machine whose two cores two
    /// dozen starting processes shared, some took over 90 s (the limit only matters to a start that fails).
    /// </summary>
    static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(3);

    /// <summary>Until the process says which port it listens on (at once when it was told one).</summary>
    async Task WaitUntilListening(DateTime deadline)
    {
        while (!listening.Task.IsCompleted)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{Name} exited with {process.ExitCode} before it listened; log: {LogPath}\n{Tail()}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Name} did not say where it listens in time; log: {LogPath}\n{Tail()}");
            await Task.WhenAny(listening.Task, Task.Delay(100));
        }
    }

    public async Task WaitUntilReady()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartLimit;
        await WaitUntilListening(deadline);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{Name} exited with {process.ExitCode}; log: {LogPath}\n{Tail()}");
            try
            {
                if ((await http.GetAsync($"{Address}/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{Name} was not ready in time; log: {LogPath}\n{Tail()}");
    }

    /// <summary>Everything the process has logged so far.</summary>
    public string Log()
    {
        lock (log) log.Flush();
        using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd();
    }

    string Tail()
    {
        try { return string.Join('\n', Log().Split('\n').TakeLast(30)); }
        catch (IOException) { return ""; }
    }

    /// <summary>SIGKILL: the process gets no chance to finish anything.</summary>
    public void Kill()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    /// <summary>
    /// SIGTERM, as an orchestrator stops a pod: the process should stop taking requests, finish the
    /// ones in flight and its relay's batch, and exit 0. Returns how long it took and its exit code
    /// (killed after <paramref name="patience"/>: -1).
    /// </summary>
    public async Task<(TimeSpan Took, int ExitCode)> Terminate(TimeSpan? patience = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString()])) await term!.WaitForExitAsync();
        using var wait = new CancellationTokenSource(patience ?? TimeSpan.FromSeconds(60));
        try { await process.WaitForExitAsync(wait.Token); }
        catch (OperationCanceledException) { Kill(); return (watch.Elapsed, -1); }
        return (watch.Elapsed, process.ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            // A polite stop first (SIGTERM), as an orchestrator would.
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString()])) await term!.WaitForExitAsync();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try { await process.WaitForExitAsync(wait.Token); }
            catch (OperationCanceledException) { Kill(); }
        }
        process.Dispose();
        lock (log) log.Dispose();
    }
}
