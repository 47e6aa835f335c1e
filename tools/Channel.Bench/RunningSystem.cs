using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;

/// <summary>
/// The system `./channel up` runs: its gateway, and tokens from its Identity service (the development tokens
/// it gives to this machine, as `./channel token` does), one per role and organisation, kept for the run.
/// </summary>
static class RunningSystem
{
    static readonly HttpClient identity = new() { BaseAddress = new Uri(Environment.GetEnvironmentVariable("CHANNEL_IDENTITY") ?? "http://127.0.0.1:8086") };
    static readonly ConcurrentDictionary<(string, Guid?, Guid?), string> tokens = new();

    public static string Gateway => Environment.GetEnvironmentVariable("CHANNEL_GATEWAY") ?? "http://127.0.0.1:8080";

    public static string Token(string role, Guid? partner = null, Guid? distributor = null) =>
        tokens.GetOrAdd((role, partner, distributor), _ =>
        {
            using var response = identity.Send(new HttpRequestMessage(HttpMethod.Post, "/identity/dev/tokens")
            {
                Content = JsonContent.Create(new { role, partnerId = partner, distributorId = distributor, subject = $"bench-{role}-{partner ?? distributor}", minutes = 720 }),
            });
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"the Identity service gave no token ({(int)response.StatusCode}): is ./channel up running?");
            using var body = JsonDocument.Parse(response.Content.ReadAsStream());
            return body.RootElement.GetProperty("token").GetString()!;
        });
}
