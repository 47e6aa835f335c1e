using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Channel.Load;
using Channel.Testing;

/// <summary>
/// Sell-through ingestion against the running system (./channel up): a distributor with five
/// authorized resellers uploads one report of N lines as CSV through the gateway. Measures lines/s
/// (upload, validation, COPY and commit, until the 201) and each service's peak resident memory,
/// sampled every 100 ms from the upload until the batch events are consumed everywhere.
/// </summary>
static class Ingestion
{
    public sealed record Result(int Lines, double Seconds, Dictionary<string, long> PeakBytes, double DrainedSeconds);

    public static async Task<Result> Run(Options options)
    {
        var gateway = RunningSystem.Gateway;
        var state = Path.Combine(TestEnvironment.Root, ".channel");
        static string Token(string role, Guid? partner = null, Guid? distributor = null) => RunningSystem.Token(role, partner, distributor);
        using var http = new HttpClient { BaseAddress = new Uri(gateway), Timeout = TimeSpan.FromMinutes(10) };
        var manager = new AuthenticationHeaderValue("Bearer", Token("channel-manager"));
        Console.WriteLine($"Ingestion: one report of {options.IngestLines:N0} lines as CSV through {gateway}");

        var resellers = await Onboarding.Partners(http, Token("channel-manager"), 5);
        using var onboard = new HttpRequestMessage(HttpMethod.Post, "/api/distributors")
        {
            Headers = { Authorization = manager },
            Content = JsonContent.Create(new
            {
                name = $"Bench Distribution {Guid.NewGuid():N}"[..30],
                countries = new[] { "US" },
                regions = new[] { "CA", "OR", "WA" },
                contacts = new[] { new { name = "Bench Desk", email = "desk@bench-distribution.example", role = "partner sales" } },
            }),
        };
        using var onboarded = await http.SendAsync(onboard);
        var distributor = (await onboarded.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        foreach (var reseller in resellers)
        {
            // The Distributors service learns of the approved resellers from events: try until it has.
            for (var attempt = 0; ; attempt++)
            {
                using var authorize = new HttpRequestMessage(HttpMethod.Post, $"/api/distributors/{distributor}/authorizations")
                {
                    Headers = { Authorization = manager },
                    Content = JsonContent.Create(new { partnerId = reseller, regions = new[] { "CA", "OR", "WA" } }),
                };
                using var authorized = await http.SendAsync(authorize);
                if (authorized.IsSuccessStatusCode) break;
                if (attempt > 80) authorized.EnsureSuccessStatusCode();
                await Task.Delay(250);
            }
        }

        var file = Path.Combine(Path.GetTempPath(), $"channel-bench-{options.IngestLines}.csv");
        var reportNumber = $"BENCH-{Guid.NewGuid():N}"[..20];
        await WriteReport(file, reportNumber, resellers, options.IngestLines);
        Console.WriteLine($"report {reportNumber}: {new FileInfo(file).Length / 1_000_000.0:F0} MB");

        var pids = Directory.GetFiles(Path.Combine(state, "run"), "*.pid")
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => int.Parse(File.ReadAllText(f).Trim(), CultureInfo.InvariantCulture));
        var peaks = pids.Keys.ToDictionary(n => n, _ => 0L);
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                foreach (var (name, pid) in pids) peaks[name] = Math.Max(peaks[name], Resident(pid));
                await Task.Delay(100);
            }
        });

        var clock = Stopwatch.StartNew();
        await using (var body = File.OpenRead(file))
        {
            using var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/distributors/{distributor}/reports")
            {
                Headers = { Authorization = new AuthenticationHeaderValue("Bearer", Token("distributor", distributor: distributor)) },
                Content = new StreamContent(body, 1 << 16) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } },
            };
            using var answer = await http.SendAsync(upload);
            var text = await answer.Content.ReadAsStringAsync();
            if (!answer.IsSuccessStatusCode) throw new InvalidOperationException($"upload answered {(int)answer.StatusCode}: {text[..Math.Min(text.Length, 2000)]}");
        }
        var seconds = clock.Elapsed.TotalSeconds;
        await Drained();
        var drained = clock.Elapsed.TotalSeconds;
        await sampling.CancelAsync();
        await sampler;
        File.Delete(file);

        Console.WriteLine();
        Console.WriteLine("| figure | value | target |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| {options.IngestLines:N0} lines uploaded, validated, stored (until the 201) | {seconds:F1} s = **{options.IngestLines / seconds:N0} lines/s** | ≥ 20,000 lines/s |");
        Console.WriteLine($"| batch events relayed and consumed everywhere | {drained:F1} s after the upload began | |");
        foreach (var (name, peak) in peaks.OrderBy(p => p.Key))
            Console.WriteLine($"| {name} peak resident memory | {peak / 1_048_576.0:F0} MB | < 250 MB |");
        return new Result(options.IngestLines, seconds, peaks, drained);
    }

    static async Task WriteReport(string file, string reportNumber, List<Guid> resellers, int lines)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var start = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        var end = start.AddMonths(1).AddDays(-1);
        await using var writer = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 20);
        await writer.WriteLineAsync("report_number,period_start,period_end,invoice_number,invoice_date,transaction_type,reseller_id,end_customer_name,end_customer_domain,end_customer_country,end_customer_region,end_customer_postal_code,vendor_sku,quantity,unit_price,extended_amount,currency,deal_id");
        string[] skus = ["SW-9300-24", "SW-9300-48P", "WL-AP9-I", "RT-8500", "FW-2100", "OP-SFP10"];
        for (var i = 0; i < lines; i++)
        {
            var quantity = 1 + i % 9;
            var price = 100 + i % 40 * 25;
            await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{reportNumber},{start:yyyy-MM-dd},{end:yyyy-MM-dd},INV-{i / 3},{start.AddDays(i % 28):yyyy-MM-dd},sale,{resellers[i % resellers.Count]},\"Customer {i % 20000}, Inc.\",customer{i % 20000}.example,US,CA,9{i % 10000:0000},{skus[i % skus.Length]},{quantity},{price}.00,{quantity * price}.00,USD,"));
        }
    }

    /// <summary>Until every queue on the broker is empty for six seconds in a row (its counts lag up to five), at most five minutes.</summary>
    internal static async Task Drained()
    {
        using var api = TestVirtualHost.Management(TestEnvironment.RabbitApi);
        var quiet = 0;
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (quiet < 12 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            var queues = await api.GetFromJsonAsync<JsonElement>("queues?columns=name,messages");
            var waiting = queues.EnumerateArray().Sum(q => q.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0);
            quiet = waiting == 0 ? quiet + 1 : 0;
        }
    }

    static long Resident(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:"));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException) { return 0; }
    }
}
