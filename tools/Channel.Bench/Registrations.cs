using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Load;

/// <summary>
/// Deal registration under load against the running system (./channel up), through the gateway on
/// 127.0.0.1: partners register deals at a fixed concurrency for a fixed time (one in ten for a
/// customer another partner registered a moment earlier), a channel manager approves every fifth, and
/// leadership watches the pipeline report: the read-model lag of a deal is the time from its 201 until
/// the report counts it (the report is asked every 20 ms; the k-th 201 is visible once the count
/// has grown by k).
/// </summary>
static class Registrations
{
    public sealed record Result(int Created, double Seconds, double P50, double P95, double P99, string Errors, int Approved,
        double LagP50, double LagP99, double CatchUp, Dictionary<string, double> CpuSeconds);

    public static async Task<Result> Run(Options options)
    {
        var gateway = RunningSystem.Gateway;
        static string Token(string role, Guid? partner = null) => RunningSystem.Token(role, partner);
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency * 2 + 4, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(gateway), Timeout = TimeSpan.FromSeconds(30) };
        var leader = new AuthenticationHeaderValue("Bearer", Token("leadership"));

        async Task<long> CountedDeals()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/pipeline/stage") { Headers = { Authorization = leader } };
            using var response = await http.SendAsync(request);
            var rows = await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
            return rows.EnumerateArray().Sum(r => r.GetProperty("deals").GetInt64());
        }

        Console.WriteLine($"Registrations: {options.Concurrency} at a time for {options.Seconds} s, {options.Partners} partners, through {gateway}");
        var partners = await Onboarding.Partners(http, Token("channel-manager"), options.Partners);
        await Task.Delay(TimeSpan.FromSeconds(1)); // Deals learns of the approvals from events
        if (options.Warmup > 0)
        {
            // Freshly started services run unoptimised code until the JIT has seen the hot paths: warm them first, unmeasured.
            Console.WriteLine($"warming up for {options.Warmup} s");
            using var warm = new CancellationTokenSource(TimeSpan.FromSeconds(options.Warmup));
            await new RegistrationLoad(http, partners, p => Token("partner", p), Token("channel-manager")).Run(options.Concurrency, warm.Token);
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        var load = new RegistrationLoad(http, partners, p => Token("partner", p), Token("channel-manager"));
        var before = await CountedDeals();

        // Leadership's view: (when, how many deals the report counts), sampled while the load runs and until it caught up.
        var seen = new List<(double At, long Count)>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(options.Seconds));
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                var count = await CountedDeals() - before;
                lock (seen) seen.Add((load.Clock.Elapsed.TotalMilliseconds, count));
                await Task.Delay(20);
            }
        });
        var cpuBefore = CpuUse.Snapshot();
        await load.Run(options.Concurrency, stop.Token);
        var elapsed = load.Clock.Elapsed.TotalSeconds;
        var cpu = CpuUse.Since(cpuBefore);
        var lastCreated = load.Registered.Values.DefaultIfEmpty(0).Max();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            lock (seen) if (seen.Count > 0 && seen[^1].Count >= load.Registered.Count) break;
            await Task.Delay(20);
        }
        await watching.CancelAsync();
        await watcher;

        var created = load.Registered.Values.Order().ToList();
        var lags = new List<double>(created.Count);
        var s = 0;
        for (var k = 0; k < created.Count; k++)
        {
            while (s < seen.Count && seen[s].Count < k + 1) s++;
            if (s == seen.Count) break;
            lags.Add(Math.Max(0, seen[s].At - created[k]));
        }
        var registrations = load.Attempts.Where(a => a.Kind == "register").ToList();
        var latencies = registrations.Select(a => a.Milliseconds).ToList();
        var failed = load.Attempts.Where(a => a.Status is not (200 or 201)).GroupBy(a => $"{a.Kind} {(a.Status == 0 ? "no answer" : a.Status)}")
            .Select(g => $"{g.Key}: {g.Count()}").ToList();
        var result = new Result(created.Count, elapsed, Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 95),
            Stats.Percentile(latencies, 99), failed.Count == 0 ? "none" : string.Join(", ", failed), load.Approved.Count,
            Stats.Percentile(lags, 50), Stats.Percentile(lags, 99), seen.Count > 0 ? seen[^1].At - lastCreated : double.NaN, cpu);
        Console.WriteLine();
        Console.WriteLine("| figure | value | target |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| deals registered (201) | {result.Created:N0} in {result.Seconds:F1} s = **{result.Created / result.Seconds:F0}/s** | ≥ 1,500/s |");
        Console.WriteLine($"| registration latency p50 / p95 / p99 | {result.P50:F1} / {result.P95:F1} / **{result.P99:F1} ms** | p99 ≤ 50 ms |");
        Console.WriteLine($"| approvals by the channel manager (200) | {result.Approved:N0} | |");
        Console.WriteLine($"| errors | {result.Errors} | none |");
        Console.WriteLine($"| read-model lag (201 → counted in the pipeline report) p50 / p99 | {result.LagP50:F0} / **{result.LagP99:F0} ms** | p99 ≤ 500 ms |");
        Console.WriteLine($"| read model caught up after the last 201 | {result.CatchUp:F0} ms | |");
        Console.WriteLine();
        Console.WriteLine($"CPU used while registering ({Environment.ProcessorCount} cores × {elapsed:F1} s = {Environment.ProcessorCount * elapsed:F0} CPU-seconds available):");
        Console.WriteLine();
        Console.WriteLine("| component | CPU seconds | share | CPU ms per registration |");
        Console.WriteLine("|---|---|---|---|");
        var total = cpu.Values.Sum();
        foreach (var (name, used) in cpu.Where(c => c.Value > 0).OrderByDescending(c => c.Value))
            Console.WriteLine($"| {name} | {used:F1} | {used / total:P0} | {used * 1000 / Math.Max(1, result.Created):F2} |");
        Console.WriteLine($"| all of them | {total:F1} | | {total * 1000 / Math.Max(1, result.Created):F2} |");
        return result;
    }
}
