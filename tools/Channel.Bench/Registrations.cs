using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Testing;

/// <summary>
/// Deal registration under load against the running system (./channel up), through the gateway on
/// 127.0.0.1: partners register deals at a fixed concurrency for a fixed time (about one in ten for a
/// customer another partner already registered, so conflicts are found), a channel manager approves
/// every fifth, and at the end the run waits for the Reporting read model to count every deal.
/// </summary>
static class Registrations
{
    public static async Task<int> Run(string[] args)
    {
        int Value(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
        }
        var seconds = Value("--seconds", 20);
        var concurrency = Value("--concurrency", 16);
        var partnerCount = Value("--partners", 40);
        var gateway = Environment.GetEnvironmentVariable("CHANNEL_GATEWAY") ?? "http://127.0.0.1:8080";
        var key = Convert.FromBase64String(File.ReadAllText(Path.Combine(TestEnvironment.Root, ".channel", "jwt.key")).Trim());
        string Token(string role, Guid? partner = null) => Channel.Hosting.Auth.AuthSetup.Mint(key, role, $"bench-{role}-{partner}", partner);
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        var http = new HttpClient(handler) { BaseAddress = new Uri(gateway), Timeout = TimeSpan.FromSeconds(30) };
        var manager = new AuthenticationHeaderValue("Bearer", Token("channel-manager"));
        var leader = new AuthenticationHeaderValue("Bearer", Token("leadership"));

        async Task<long> CountedDeals()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/pipeline/stage") { Headers = { Authorization = leader } };
            using var response = await http.SendAsync(request);
            var rows = await response.Content.ReadFromJsonAsync<JsonElement>();
            return rows.EnumerateArray().Sum(r => r.GetProperty("deals").GetInt64());
        }

        Console.WriteLine($"Registrations: {concurrency} at a time for {seconds} s, {partnerCount} partners, through {gateway}");
        var partners = new List<Guid>();
        for (var i = 0; i < partnerCount; i++)
        {
            var domain = $"bench-{Guid.NewGuid():N}"[..18] + ".example";
            using var apply = new HttpRequestMessage(HttpMethod.Post, "/api/partners/applications")
            {
                Content = JsonContent.Create(new
                {
                    legalName = $"Bench Reseller {domain[6..14]}",
                    country = "US",
                    region = "CA",
                    websiteDomain = domain,
                    partnerType = "var",
                    primaryContact = new { name = "Bench", email = $"bench@{domain}" },
                    agreementVersion = "2026-01",
                }),
            };
            apply.Headers.Add("X-Forwarded-For", $"198.18.{i / 250}.{i % 250 + 1}");
            var id = (await (await http.SendAsync(apply)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            using var approve = new HttpRequestMessage(HttpMethod.Post, $"/api/partners/{id}/approve") { Content = JsonContent.Create(new { tier = "silver" }), Headers = { Authorization = manager } };
            (await http.SendAsync(approve)).EnsureSuccessStatusCode();
            partners.Add(id);
        }
        var tokens = partners.ToDictionary(p => p, p => new AuthenticationHeaderValue("Bearer", Token("partner", p)));
        var before = await CountedDeals();

        var latencies = new ConcurrentBag<double>();
        var errors = new ConcurrentDictionary<HttpStatusCode, int>();
        var created = new ConcurrentBag<Guid>();
        var sequence = 0;
        var stop = DateTime.UtcNow.AddSeconds(seconds);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            while (DateTime.UtcNow < stop)
            {
                var n = Interlocked.Increment(ref sequence);
                var partner = partners[n % partners.Count];
                var customer = n % 10 == 0 ? $"Shared Prospect {n % 50}" : $"Bench Customer {n}";
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/deals")
                {
                    Headers = { Authorization = tokens[partner] },
                    Content = JsonContent.Create(new
                    {
                        customer = new { legalName = customer, country = "US", region = "CA", sector = "commercial" },
                        products = new[] { new { sku = "SW-9300-48P", quantity = 2, amount = 15_000m } },
                        totalValue = 15_000m,
                        currency = "USD",
                        expectedClose = DateTime.UtcNow.AddDays(60).ToString("yyyy-MM-dd"),
                    }),
                };
                var watch = Stopwatch.StartNew();
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsByteArrayAsync();
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.Created) { errors.AddOrUpdate(response.StatusCode, 1, (_, c) => c + 1); continue; }
                var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
                created.Add(id);
                if (n % 5 == 0)
                {
                    using var approve = new HttpRequestMessage(HttpMethod.Post, $"/api/deals/{id}/approve") { Headers = { Authorization = manager } };
                    using var approved = await http.SendAsync(approve);
                }
            }
        }));
        var elapsed = clock.Elapsed.TotalSeconds;
        var lastCreated = Stopwatch.StartNew();
        while (await CountedDeals() < before + created.Count && lastCreated.Elapsed < TimeSpan.FromMinutes(2)) await Task.Delay(50);
        var catchUp = lastCreated.Elapsed.TotalMilliseconds;
        var sorted = latencies.Order().ToList();
        double P(int p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];
        Console.WriteLine();
        Console.WriteLine("| figure | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| deals registered (201) | {created.Count:N0} in {elapsed:F1} s = {created.Count / elapsed:F0}/s |");
        Console.WriteLine($"| registration latency p50 / p95 / p99 | {P(50):F1} / {P(95):F1} / {P(99):F1} ms |");
        Console.WriteLine($"| errors | {(errors.IsEmpty ? "none" : string.Join(", ", errors.Select(e => $"{(int)e.Key}: {e.Value}")))} |");
        Console.WriteLine($"| read model caught up after the last 201 | {catchUp:F0} ms |");
        return errors.IsEmpty ? 0 : 1;
    }
}
