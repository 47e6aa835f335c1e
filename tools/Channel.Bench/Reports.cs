using System.Diagnostics;
using System.Net.Http.Headers;
using Channel.Load;
using Channel.Testing;
using Dapper;

/// <summary>
/// The reports at scale, through the gateway: loads the Reporting read models with the sums of N
/// deals and M sell-through lines (made in the database with generate_series: this measures the
/// questions, not the ingestion), then asks each report many times as leadership.
/// </summary>
static class Reports
{
    public sealed record Timing(string Name, string Path, double P50, double P95, double P99);

    public static async Task<List<Timing>> Run(Options options, string[] args)
    {
        var db = await TestDatabase.Create("bench_reporting");
        var broker = await TestVirtualHost.Create("bench");
        try
        {
            Console.WriteLine($"Reports at scale: {options.Deals:N0} deals, {options.Lines:N0} sell-through lines, {options.Requests} requests per report");
            await using var reporting = await ServiceProcess.Start("Reporting", new Dictionary<string, string>
            {
                ["ConnectionStrings__Db"] = db.ConnectionString,
                ["RabbitMq__Uri"] = broker.Uri,
            });
            var load = Stopwatch.StartNew();
            await Load(db, options.Deals, options.Lines);
            Console.WriteLine($"loaded in {load.Elapsed.TotalSeconds:F0} s");
            await using var gateway = await ServiceProcess.Start("Gateway", new Dictionary<string, string>
            {
                ["ReverseProxy__Clusters__reports__Destinations__main__Address"] = reporting.Address,
                ["Gateway__RequestsPerSecondPerClient"] = "100000",
            });
            using var http = new HttpClient { BaseAddress = new Uri(gateway.Address), Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For("leadership"));

            Console.WriteLine();
            var timings = new List<Timing>();
            var floor = await Measure(http, "/health/live", options.Requests);
            timings.Add(new Timing("HTTP floor: the gateway's liveness answer", "/health/live", Stats.Percentile(floor, 50), Stats.Percentile(floor, 95), Stats.Percentile(floor, 99)));
            Console.WriteLine("| report | p50 ms | p95 ms | p99 ms | target |");
            Console.WriteLine("|---|---|---|---|---|");
            Console.WriteLine($"| {timings[0].Name} (`/health/live`) | {timings[0].P50:F1} | {timings[0].P95:F1} | {timings[0].P99:F1} | |");
            foreach (var (name, path) in new[]
            {
        ("pipeline summary", "/api/reports/pipeline"),
        ("pipeline by stage", "/api/reports/pipeline/stage"),
        ("pipeline summary, one region", "/api/reports/pipeline?region=TX"),
        ("sell-through by month", "/api/reports/sell-through/month"),
        ("sell-through summary", "/api/reports/sell-through"),
    })
            {
                var times = await Measure(http, path, options.Requests);
                timings.Add(new Timing(name, path, Stats.Percentile(times, 50), Stats.Percentile(times, 95), Stats.Percentile(times, 99)));
                Console.WriteLine($"| {name} (`{path}`) | {Stats.Percentile(times, 50):F1} | {Stats.Percentile(times, 95):F1} | {Stats.Percentile(times, 99):F1} | p95 ≤ 50 |");
            }
            return timings;
        }
        finally
        {
            await broker.DisposeAsync();
            if (args.Contains("--keep")) Console.WriteLine($"kept the database {db.Name}");
            else await db.DisposeAsync();
        }

    }

    static async Task<List<double>> Measure(HttpClient http, string path, int requests)
    {
        for (var i = 0; i < 10; i++) (await http.GetAsync(path)).EnsureSuccessStatusCode(); // warm up
        var times = new List<double>(requests);
        for (var i = 0; i < requests; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await http.GetAsync(path);
            await response.Content.ReadAsByteArrayAsync();
            response.EnsureSuccessStatusCode();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return times;
    }

    static async Task Load(TestDatabase db, int deals, int lines)
    {
        await using var conn = await db.Open();
        // Partners sit in a region and are served by one distributor; a third of the deals come through it.
        const string Sql = """
        set work_mem = '256MB';
        insert into partners (id, legal_name, country, region, status, tier, version)
        select md5('p' || i)::uuid, 'Partner ' || i, 'US', (array['CA','TX','NY','WA','FL','IL','OR','MA','GA','CO'])[1 + i % 10], 'active',
               (array['registered','silver','gold','platinum'])[1 + i % 4], 1
        from generate_series(0, 1999) i;
        insert into distributors (id, name, version) select md5('d' || i)::uuid, 'Distributor ' || i, 1 from generate_series(0, 24) i;
        insert into authorizations (id, distributor_id, partner_id, active, version)
        select md5('a' || i)::uuid, md5('d' || (i % 25))::uuid, md5('p' || i)::uuid, true, 1 from generate_series(0, 1999) i;
        insert into deals (id, partner_id, distributor_id, status, customer_name, region, country, value, currency, expected_close,
                           submitted_at, approved_at, protection_ends_at, closed_at, overdue, version)
        select md5('deal' || i)::uuid, md5('p' || (i % 2000))::uuid,
               case when i % 3 = 0 then md5('d' || ((i % 2000) % 25))::uuid end,
               (array['submitted','compliance_review','approved','won','lost','rejected','returned','expired'])[1 + i % 8],
               'Customer ' || (i % 50000), (array['CA','TX','NY','WA','FL','IL','OR','MA','GA','CO'])[1 + (i % 2000) % 10], 'US',
               1000 + (i % 500) * 100, 'USD', date '2026-01-01' + (i % 730),
               now() - make_interval(days => i % 400),
               case when i % 8 in (2, 3, 4, 7) then now() - make_interval(days => i % 400) + interval '2 days' end,
               case when i % 8 = 2 then now() + make_interval(days => i % 90) end,
               null, false, 1
        from generate_series(1, @Deals) i;
        insert into pipeline (status, partner_id, distributor_id, region, close_month, deals, value, approved, days_to_approve)
        select status, partner_id, coalesce(distributor_id, '00000000-0000-0000-0000-000000000000'), region,
               date_trunc('month', expected_close)::date, count(*), sum(value), count(approved_at),
               coalesce(sum(extract(epoch from approved_at - submitted_at) / 86400), 0)
        from deals group by 1, 2, 3, 4, 5;
        insert into pipeline_rollup
        select status, distributor_id, region, close_month, sum(deals), sum(value), sum(approved), sum(days_to_approve) from pipeline group by 1, 2, 3, 4;
        insert into partner_pipeline select partner_id, status, sum(deals), sum(value) from pipeline group by 1, 2;
        insert into open_by_day
        select submitted_at::date, status, coalesce(distributor_id, '00000000-0000-0000-0000-000000000000'), region, count(*), sum(value)
        from deals where status in ('submitted', 'compliance_review', 'approved', 'returned') group by 1, 2, 3, 4;
        insert into sell_through (month, distributor_id, partner_id, sku, region, currency, revenue, units, lines)
        select date_trunc('month', date '2025-01-01' + (i % 700))::date, md5('d' || ((i % 2000) % 25))::uuid, md5('p' || (i % 2000))::uuid,
               'SW-' || (i % 300), (array['CA','TX','NY','WA','FL','IL','OR','MA','GA','CO'])[1 + (i % 2000) % 10], 'USD',
               sum(100 + i % 900), sum(1 + i % 5), count(*)
        from generate_series(1, @Lines) i group by 1, 2, 3, 4, 5, 6;
        insert into sell_through_registered (month, distributor_id, partner_id, revenue)
        select month, distributor_id, partner_id, sum(revenue) * 0.6 from sell_through group by 1, 2, 3;
        insert into sell_through_month
        select month, distributor_id, region, sum(revenue), sum(units), sum(lines) from sell_through group by 1, 2, 3;
        insert into registered_month select month, distributor_id, sum(revenue) from sell_through_registered group by 1, 2;
        analyze;
        """;
        await conn.ExecuteAsync(new CommandDefinition(Sql, new { Deals = deals, Lines = lines }, commandTimeout: 1800));
        var rows = await conn.ExecuteScalarAsync<long>("select count(*) from pipeline");
        var sums = await conn.ExecuteScalarAsync<long>("select count(*) from sell_through");
        Console.WriteLine($"read models: {rows:N0} pipeline rows, {sums:N0} sell-through rows");
    }

}
