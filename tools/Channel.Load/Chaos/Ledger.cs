using Dapper;

namespace Channel.Load.Chaos;

/// <summary>
/// Checks what the clients were told against what the system holds: every 201 is a deal in the
/// Deals database, every approval answered 200 is an approved deal there, every deal there is in the
/// Reporting read model at its newest version, and the pipeline sums count each deal once.
/// </summary>
sealed class Ledger(ChaosSystem system, RegistrationLoad load)
{
    public sealed record State(int Lost, int Duplicated, int StoredWithout201, long Waiting)
    {
        public bool Clean => Lost == 0 && Duplicated == 0 && Waiting == 0;
    }

    sealed class DealRow
    {
        public Guid Id { get; set; }
        public int Version { get; set; }
        public string Status { get; set; } = "";
        public string? Notes { get; set; }
        public bool Old { get; set; }
    }

    sealed class ModelRow
    {
        public Guid Id { get; set; }
        public int Version { get; set; }
    }

    sealed class Sums
    {
        public long Deals { get; set; }
        public long Pipeline { get; set; }
        public long Rollup { get; set; }
        public long PartnerPipeline { get; set; }
    }

    /// <summary>
    /// Waits until the system is clean, allowing it to be <paramref name="allowance"/> behind the
    /// clients (under steady load the read model is always a moment behind; after the load stops, zero).
    /// </summary>
    public async Task<(bool Settled, State State)> Settle(TimeSpan patience, TimeSpan? allowance = null)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            State state;
            try { state = await Check(allowance ?? TimeSpan.FromSeconds(1)); }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException) { state = new State(0, 0, 0, -1); } // the database is still coming back
            if (state.Clean) return (true, state);
            if (DateTime.UtcNow > deadline) return (false, state);
            await Task.Delay(250);
        }
    }

    public async Task<State> Check(TimeSpan allowance)
    {
        var cutoff = load.Clock.Elapsed.TotalMilliseconds - allowance.TotalMilliseconds;
        await using var deals = await system.Open("Deals");
        await using var reporting = await system.Open("Reporting");
        var rows = (await deals.QueryAsync<DealRow>(
            "select id, version, status, notes, updated_at < now() - @Allowance as old from deals", new { Allowance = allowance })).AsList();
        var waiting = await deals.ExecuteScalarAsync<long>("select count(*) from outbox where created_at < now() - @Allowance", new { Allowance = allowance });
        var model = (await reporting.QueryAsync<ModelRow>("select id, version from deals")).ToDictionary(r => r.Id, r => r.Version);
        var sums = await reporting.QuerySingleAsync<Sums>("""
            select (select count(*) from deals) as deals,
                   (select coalesce(sum(deals), 0) from pipeline) as pipeline,
                   (select coalesce(sum(deals), 0) from pipeline_rollup) as rollup,
                   (select coalesce(sum(deals), 0) from partner_pipeline) as partnerpipeline
            """);

        var stored = rows.ToDictionary(r => r.Id);
        var lost = load.Registered.Count(r => r.Value <= cutoff && !stored.ContainsKey(r.Key))
            + load.Approved.Count(a => a.Value <= cutoff && (!stored.TryGetValue(a.Key, out var d) || d.Status != "approved"))
            + rows.Count(r => r.Old && (!model.TryGetValue(r.Id, out var version) || version < r.Version));
        var duplicated = rows.Count - rows.Select(r => r.Notes).Distinct().Count();
        foreach (var sum in new[] { sums.Pipeline, sums.Rollup, sums.PartnerPipeline })
        {
            if (sum > sums.Deals) duplicated += (int)(sum - sums.Deals);
            else lost += (int)(sums.Deals - sum);
        }
        var storedWithout201 = rows.Count(r => r.Old && !load.Registered.ContainsKey(r.Id));
        return new State(lost, duplicated, storedWithout201, waiting);
    }
}
