using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Channel.Testing;

/// <summary>
/// Continuous re-screening at scale: N open deals held by the Compliance service (made in its database with
/// generate_series, a mix of customer types and funding; this measures the re-screening, not the registrations), the
/// demo rules and screening list loaded through the API, then one rule change; timed from the change's 201 to the
/// moment its last subject has been screened again, with how many decisions changed. Next to it, the machine's
/// ceiling measured in the same run: single-row inserts per second with one pgbench client (re-screening one subject
/// is a few statements in a batch's transaction).
/// </summary>
static class Rescreening
{
    const string Seed = """
        insert into subjects (kind, id, version, name, inputs, live, outcome, reason, sequence, screened_version, updated_at)
        select 'deal', gen_random_uuid()::text, 1, 'Bench Customer ' || n,
               jsonb_build_object('name', 'Bench Customer ' || n, 'country', 'US', 'region', (array['CA','WA','TX','NY'])[1 + n % 4],
                   'customerType', (array['commercial','education','healthcare','critical-infrastructure','state-local-government'])[1 + n % 5],
                   'fundingSource', case when n % 5 = 4 then 'state-local-budget' else 'own-funds' end,
                   'products', jsonb_build_array((array['switching','routing','wireless','security'])[1 + n % 4]),
                   'attestation', '2026-1', 'otherNames', '[]'::jsonb),
               true, 'clear', 'Screened clear', 1, 1, now()
        from generate_series(1, @deals) n
        """;

    public static async Task Run(Options options)
    {
        var deals = options.Deals == 1_000_000 ? 100_000 : options.Deals;
        var db = await TestDatabase.Create("bench_compliance");
        var broker = await TestVirtualHost.Create("bench");
        try
        {
            await using var compliance = await ServiceProcess.Start("Compliance", new Dictionary<string, string>
            {
                ["ConnectionStrings__Db"] = db.ConnectionString,
                ["RabbitMq__Uri"] = broker.Uri,
            });
            using var http = new HttpClient { BaseAddress = new Uri(compliance.Address), Timeout = TimeSpan.FromMinutes(5) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For("compliance-officer"));
            var folder = Path.Combine(TestEnvironment.Root, "infra", "compliance");
            foreach (var rule in JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "demo-rules.json"))).RootElement.EnumerateArray())
                (await http.PostAsJsonAsync("/api/compliance/rules", rule)).EnsureSuccessStatusCode();
            (await http.PostAsync("/api/compliance/lists/imports", new StringContent(
                await File.ReadAllTextAsync(Path.Combine(folder, "demo-screening-list.csv")), Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
            await db.WaitFor("select count(*) from changes where rescreened_at is null", 0);

            await using (var conn = await db.Open())
            {
                await using var seed = new Npgsql.NpgsqlCommand(Seed.Replace("@deals", deals.ToString(System.Globalization.CultureInfo.InvariantCulture)), conn);
                seed.CommandTimeout = 600;
                await seed.ExecuteNonQueryAsync();
                await using var analyze = new Npgsql.NpgsqlCommand("analyze subjects", conn);
                await analyze.ExecuteNonQueryAsync();
            }
            Console.WriteLine($"Re-screening {deals:N0} open deals after one rule change");

            var watch = Stopwatch.StartNew();
            var response = await http.PostAsJsonAsync("/api/compliance/rules", new
            {
                country = "US",
                customerType = "critical-infrastructure",
                fundingSource = "*",
                productPattern = "routing",
                action = "review",
                citation = "Bench: core routing for critical infrastructure",
                description = "Reviewed.",
                effectiveFrom = "2026-01-01",
            });
            response.EnsureSuccessStatusCode();
            var queued = watch.Elapsed;
            var change = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("changeId").GetGuid();
            await db.WaitFor("select count(*) from changes where id = @change and rescreened_at is not null", 1, TimeSpan.FromMinutes(60), new { change });
            var took = watch.Elapsed;
            var changed = await db.Scalar<long>("select count(*) from decisions where change_id = @change", new { change });
            var (tps, _) = await Ceilings.Pgbench(1, 10);

            Console.WriteLine();
            Console.WriteLine("| figure | ours | ceiling (same run) |");
            Console.WriteLine("|---|---|---|");
            Console.WriteLine($"| rule change answered (queues every open deal) | {queued.TotalSeconds:F1} s | |");
            Console.WriteLine($"| re-screening {deals:N0} open deals, to the last | {took.TotalSeconds:F1} s ({deals / took.TotalSeconds:N0} deals/s) | " +
                              $"{tps:N0} single-row inserts/s (pgbench, 1 client) |");
            Console.WriteLine($"| decisions changed and announced | {changed:N0} | |");
        }
        finally
        {
            await broker.DisposeAsync();
            await db.DisposeAsync();
        }
    }
}
