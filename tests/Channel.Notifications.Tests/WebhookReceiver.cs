using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Channel.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Channel.Notifications.Tests;

/// <summary>One POST a receiver got: its headers and raw body.</summary>
public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    public string EventId => Json.GetProperty("id").GetString()!;
    public string Kind => Json.GetProperty("kind").GetString()!;

    /// <summary>Verifies the signature the way the README tells receivers to: HMAC-SHA256 over "t.body", compared in constant time.</summary>
    public bool SignatureVerifies(string secret)
    {
        if (!Headers.TryGetValue("Channel-Signature", out var header)) return false;
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1)) return false;
        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(t, System.Globalization.CultureInfo.InvariantCulture)) > 300) return false;
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{Body}"));
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(v1));
    }
}

/// <summary>
/// A webhook receiver on 127.0.0.1 (Kestrel on a port the system gives it): keeps every POST and
/// answers what <see cref="Answer"/> says for each path (200 unless told otherwise).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    readonly WebApplication app;
    readonly ConcurrentQueue<Received> received = new();

    /// <summary>The status code to answer a POST to this path, given how many that path got before it.</summary>
    public Func<string, int, int> Answer { get; set; } = (_, _) => 200;

    public string BaseUrl { get; private set; } = "";

    WebhookReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var path = http.Request.Path.Value ?? "/";
            var before = received.Count(r => r.Path == path);
            received.Enqueue(new Received(path, http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString()), body));
            return Results.StatusCode(Answer(path, before));
        });
    }

    public static async Task<WebhookReceiver> Start()
    {
        var receiver = new WebhookReceiver();
        await receiver.app.StartAsync();
        var address = receiver.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseUrl = address.TrimEnd('/');
        return receiver;
    }

    public string Url(string path) => $"{BaseUrl}/{path.TrimStart('/')}";

    public IReadOnlyList<Received> At(string path) => [.. received.Where(r => r.Path == "/" + path.TrimStart('/'))];

    /// <summary>Waits until this path has had at least this many POSTs.</summary>
    public Task<IReadOnlyList<Received>> WaitFor(string path, int count, TimeSpan? timeout = null) =>
        Eventually.Value(() => Task.FromResult(At(path)), got => got.Count >= count, $"{count} webhook posts to {path}", timeout);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
