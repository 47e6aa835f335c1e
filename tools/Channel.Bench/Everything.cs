using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Channel.Testing;
using Npgsql;

/// <summary>
/// `./channel bench all`: this machine's ceilings, then registrations, ingestion and the reports at
/// scale, and one Markdown section with each figure next to its ceiling, the ratio and the target,
/// written to .channel/bench-results.md for BENCHMARKS.md.
/// </summary>
static class Everything
{
    public static async Task<int> Run(Options options)
    {
        var machine = await Machine();
        var ceilings = await Ceilings.Run(options);
        Console.WriteLine();
        var registrations = await Registrations.Run(options);
        Console.WriteLine();
        var ingestion = await Ingestion.Run(options);
        Console.WriteLine();
        var reports = await Reports.Run(options with { Lines = 5_000_000 }, []);

        var perSecond = registrations.Created / registrations.Seconds;
        // Each registration is one transaction; every fifth deal is approved (another transaction, another event).
        var events = (registrations.Created + registrations.Approved) / registrations.Seconds;
        var lines = ingestion.Lines / ingestion.Seconds;
        var summary = reports.First(r => r.Path == "/api/reports/pipeline");
        var month = reports.First(r => r.Path == "/api/reports/sell-through/month");
        var floor = reports.First(r => r.Path == "/health/live");
        var text = new StringBuilder();
        text.AppendLine($"Machine: {machine}. Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        text.AppendLine($"Command: `./channel bench all --seconds {options.Seconds} --concurrency {options.Concurrency}` (after `./channel up`).");
        text.AppendLine();
        text.AppendLine("| figure | ours | this machine's ceiling | ratio | target | met |");
        text.AppendLine("|---|---|---|---|---|---|");
        Row(text, "deal registrations through the gateway, end to end", $"{perSecond:N0}/s",
            $"{ceilings.InsertsPerSecond:N0} single-row insert transactions/s (pgbench, {options.Concurrency} clients)",
            perSecond / ceilings.InsertsPerSecond, "≥ 1,500/s", perSecond >= 1500);
        Row(text, "registration latency p99", $"{registrations.P99:F1} ms (p50 {registrations.P50:F1}, p95 {registrations.P95:F1})",
            $"{ceilings.InsertLatencyMs:F2} ms average per insert transaction", registrations.P99 / ceilings.InsertLatencyMs, "≤ 50 ms",
            registrations.P99 <= 50, inverse: true);
        Row(text, "events relayed and consumed (registrations + approvals)", $"{events:N0}/s",
            $"{ceilings.ConsumedPerSecond:N0} messages/s raw publish-confirm-consume-ack", events / ceilings.ConsumedPerSecond, "—", null);
        Row(text, "read-model lag p99 (201 → in the pipeline report)", $"{registrations.LagP99:F0} ms (p50 {registrations.LagP50:F0})", "—", null,
            "≤ 500 ms", registrations.LagP99 <= 500);
        Row(text, $"sell-through ingestion ({ingestion.Lines:N0}-line CSV)", $"{lines:N0} lines/s",
            $"{ceilings.CopiedPerSecond:N0} rows/s binary COPY alone", lines / ceilings.CopiedPerSecond, "≥ 20,000 lines/s", lines >= 20_000);
        Row(text, "pipeline summary p95 at 1,000,000 deals", $"{summary.P95:F1} ms (p50 {summary.P50:F1})",
            $"{floor.P95:F1} ms p95 for the gateway's liveness answer", summary.P95 / floor.P95, "≤ 50 ms", summary.P95 <= 50, inverse: true);
        Row(text, "sell-through by month p95 at 5,000,000 lines", $"{month.P95:F1} ms (p50 {month.P50:F1})",
            $"{floor.P95:F1} ms", month.P95 / floor.P95, "≤ 50 ms", month.P95 <= 50, inverse: true);
        foreach (var (name, peak) in ingestion.PeakBytes.OrderBy(p => p.Key))
            Row(text, $"{name} peak resident memory (during ingestion)", $"{peak / 1_048_576.0:F0} MB", "—", null, "< 250 MB", peak < 250L * 1_048_576);
        text.AppendLine();
        text.AppendLine($"Registration errors: {registrations.Errors}. Approvals: {registrations.Approved:N0}. Read model caught up {registrations.CatchUp:F0} ms after the last 201.");
        text.AppendLine($"Raw RabbitMQ publish with confirms alone: {ceilings.PublishedPerSecond:N0} messages/s.");
        var file = Path.Combine(TestEnvironment.Root, ".channel", "bench-results.md");
        await File.WriteAllTextAsync(file, text.ToString());
        Console.WriteLine();
        Console.WriteLine(text);
        Console.WriteLine($"(written to {file})");
        return 0;
    }

    static void Row(StringBuilder text, string figure, string ours, string ceiling, double? ratio, string target, bool? met, bool inverse = false)
    {
        var shown = ratio is null ? "—" : inverse ? $"{ratio:F1}× the floor" : $"{ratio:P1} of it";
        text.AppendLine($"| {figure} | {ours} | {ceiling} | {shown} | {target} | {(met is null ? "" : met.Value ? "yes" : "**no**")} |");
    }

    static async Task<string> Machine()
    {
        var memory = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var os = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME="))?.Split('=')[1].Trim('"') ?? RuntimeInformation.OSDescription;
        await using var conn = new NpgsqlConnection(TestEnvironment.Postgres);
        await conn.OpenAsync();
        await using var version = new NpgsqlCommand("show server_version", conn);
        var postgres = (string)(await version.ExecuteScalarAsync())!;
        using var api = TestVirtualHost.Management(TestEnvironment.RabbitApi);
        var rabbit = (await api.GetFromJsonAsync<JsonElement>("overview")).GetProperty("rabbitmq_version").GetString();
        return $"{Environment.ProcessorCount} cores, {long.Parse(memory) / 1_048_576.0:F0} GiB, {os}, .NET {Environment.Version}, " +
            $"PostgreSQL {postgres.Split(' ')[0]}, RabbitMQ {rabbit}, everything on 127.0.0.1";
    }
}
