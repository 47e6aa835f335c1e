using Dapper;

namespace Channel.Load.Chaos;

/// <summary>
/// Checks what the clients were told against what the system holds, row by row: every 201 is a deal
/// in the Deals database, every approval answered 200 is an approved deal there, every deal there
/// is in the Reporting read model at its version with the same status and value, the pipeline sums
/// count each deal once, every report the distributor was answered 201 for is stored, the
/// sell-through and registered-revenue sums equal the stored lines and links, and every copy of a
/// partner and an authorization equals its owner's; every deal is screened by Compliance once, and Deals holds
/// Compliance's latest decision on it.
/// </summary>
public sealed class Ledger(ChaosSystem system, RegistrationLoad load, SideLoad? side)
{
    /// <summary>
    /// Lost: told and not there (or a reader behind its source for longer than allowed). Duplicated:
    /// there twice. Wrong: a reader's row at its source's version but saying something else. Waiting:
    /// events older than allowed still in an outbox, dead letters.
    /// </summary>
    public sealed record State(int Lost, int Duplicated, int Wrong, int StoredWithout201, long Waiting, string Detail = "")
    {
        public bool Clean => Lost == 0 && Duplicated == 0 && Wrong == 0 && Waiting == 0;
    }

    sealed class DealRow
    {
        public Guid Id { get; set; }
        public int Version { get; set; }
        public string Status { get; set; } = "";
        public decimal Value { get; set; }
        public string? Notes { get; set; }
        public bool Old { get; set; }
        public string Screening { get; set; } = "";
        public long ScreeningSequence { get; set; }
    }

    sealed class Screened
    {
        public string Id { get; set; } = "";
        public long Sequence { get; set; }
        public string Outcome { get; set; } = "";
    }

    sealed class ModelRow
    {
        public Guid Id { get; set; }
        public int Version { get; set; }
        public string Status { get; set; } = "";
        public decimal Value { get; set; }
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
        var state = new State(0, 0, 0, 0, -1, "not checked");
        while (true)
        {
            try { state = await Check(allowance ?? TimeSpan.FromSeconds(1)); }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
            {
                state = state with { Waiting = -1, Detail = $"a database is still coming back ({e.GetType().Name})" };
            }
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
        await using var partners = await system.Open("Partners");
        await using var distributors = await system.Open("Distributors");
        var detail = new List<string>();

        var rows = (await deals.QueryAsync<DealRow>(
            """
            select id, version, status, coalesce(actual_amount, total_value) as value, notes, updated_at < now() - @Allowance as old,
                   screening, screening_sequence as screeningsequence from deals
            """,
            new { Allowance = allowance })).AsList();
        var model = (await reporting.QueryAsync<ModelRow>("select id, version, status, value from deals")).ToDictionary(r => r.Id);
        var stored = rows.ToDictionary(r => r.Id);
        var lost = load.Registered.Count(r => r.Value <= cutoff && !stored.ContainsKey(r.Key))
            + load.Approved.Count(a => a.Value <= cutoff && (!stored.TryGetValue(a.Key, out var d) || d.Status is "submitted" or "compliance_review"));
        var behind = rows.Count(r => r.Old && (!model.TryGetValue(r.Id, out var m) || m.Version < r.Version));
        var wrong = rows.Count(r => model.TryGetValue(r.Id, out var m) && m.Version == r.Version && (m.Status != r.Status || m.Value != r.Value))
            + model.Values.Count(m => stored.TryGetValue(m.Id, out var r) && m.Version > r.Version);
        if (behind > 0) detail.Add($"{behind} deals behind in Reporting");
        if (wrong > 0) detail.Add($"{wrong} deals different in Reporting");
        lost += behind;
        var duplicated = rows.Count - rows.Select(r => r.Notes).Distinct().Count();
        var sums = await reporting.QuerySingleAsync<Sums>("""
            select (select count(*) from deals) as deals,
                   (select coalesce(sum(deals), 0) from pipeline) as pipeline,
                   (select coalesce(sum(deals), 0) from pipeline_rollup) as rollup,
                   (select coalesce(sum(deals), 0) from partner_pipeline) as partnerpipeline
            """);
        foreach (var (name, sum) in new[] { ("pipeline", sums.Pipeline), ("rollup", sums.Rollup), ("partner pipeline", sums.PartnerPipeline) })
        {
            if (sum > sums.Deals) { duplicated += (int)(sum - sums.Deals); detail.Add($"{name} counts {sum - sums.Deals} deals twice"); }
            else if (sum < sums.Deals) { lost += (int)(sums.Deals - sum); detail.Add($"{name} misses {sums.Deals - sum} deals"); }
        }
        var storedWithout201 = rows.Count(r => r.Old && !load.Registered.ContainsKey(r.Id));

        // Screening: each deal screened once by Compliance, its decision applied in Deals, nothing left waiting for one.
        await using var compliance = await system.Open("Compliance");
        var screened = (await compliance.QueryAsync<Screened>("select id, sequence, outcome from subjects where kind = 'deal' and sequence > 0"))
            .ToDictionary(d => Guid.Parse(d.Id));
        var unscreened = rows.Count(r => r.Old && (r.Screening == "pending" || !screened.ContainsKey(r.Id)));
        var notApplied = rows.Count(r => r.Old && screened.TryGetValue(r.Id, out var d) && d.Sequence > r.ScreeningSequence);
        var misapplied = rows.Count(r => screened.TryGetValue(r.Id, out var d) && d.Sequence == r.ScreeningSequence && d.Outcome != r.Screening);
        var screenedTwice = await compliance.ExecuteScalarAsync<long>(
            "select count(*) - count(distinct (subject_id, subject_version)) from decisions where kind = 'deal'");
        if (unscreened > 0) detail.Add($"{unscreened} deals not screened");
        if (notApplied > 0) detail.Add($"{notApplied} screening decisions not applied in Deals");
        if (misapplied > 0) detail.Add($"{misapplied} deals with another screening outcome than Compliance's");
        if (screenedTwice > 0) detail.Add($"{screenedTwice} deal versions screened twice");
        lost += unscreened + notApplied;
        wrong += misapplied;
        duplicated += (int)screenedTwice;

        long waiting = 0;
        foreach (var (service, conn) in new[] { ("Partners", partners), ("Distributors", distributors), ("Deals", deals), ("Compliance", compliance) })
        {
            var old = await conn.ExecuteScalarAsync<long>("select count(*) from outbox where created_at < now() - @Allowance", new { Allowance = allowance });
            var dead = await conn.ExecuteScalarAsync<long>("select count(*) from outbox_dead_letters");
            if (old + dead > 0) detail.Add($"{service}: {old} events waiting, {dead} dead letters");
            waiting += old + dead;
        }

        // Partners and authorizations: every copy at its owner's version, saying the same.
        var owners = (await partners.QueryAsync<(Guid, string, int)>("select id, status, version from partners")).ToDictionary(p => p.Item1);
        foreach (var (service, conn) in new[] { ("Deals", deals), ("Distributors", distributors), ("Reporting", reporting) })
        {
            var copies = (await conn.QueryAsync<(Guid, string, int)>("select id, status, version from partners")).ToDictionary(p => p.Item1);
            var stale = owners.Values.Count(o => !copies.TryGetValue(o.Item1, out var c) || c.Item3 < o.Item3);
            var differ = owners.Values.Count(o => copies.TryGetValue(o.Item1, out var c) && c.Item3 == o.Item3 && c.Item2 != o.Item2);
            if (stale > 0) detail.Add($"{service}: {stale} partners behind");
            if (differ > 0) detail.Add($"{service}: {differ} partners different");
            waiting += stale;
            wrong += differ;
        }
        var authorizations = (await distributors.QueryAsync<(Guid, bool, int)>("select id, active, version from authorizations")).ToDictionary(a => a.Item1);
        foreach (var (service, sql, conn) in new[]
        {
            ("Deals", "select id, active, version from reseller_authorizations", deals),
            ("Reporting", "select id, active, version from authorizations", reporting),
        })
        {
            var copies = (await conn.QueryAsync<(Guid, bool, int)>(sql)).ToDictionary(a => a.Item1);
            var stale = authorizations.Values.Count(a => !copies.TryGetValue(a.Item1, out var c) || c.Item3 < a.Item3);
            var differ = authorizations.Values.Count(a => copies.TryGetValue(a.Item1, out var c) && c.Item3 == a.Item3 && c.Item2 != a.Item2);
            if (stale > 0) detail.Add($"{service}: {stale} authorizations behind");
            if (differ > 0) detail.Add($"{service}: {differ} authorizations different");
            waiting += stale;
            wrong += differ;
        }
        var outlived = await distributors.ExecuteScalarAsync<long>(
            "select count(*) from authorizations a join partners p on p.id = a.partner_id where a.active and p.status <> 'active'");
        var owned = await partners.QueryAsync<(Guid, string)>("select id, status from partners");
        var suspendedNow = owned.Where(p => p.Item2 != "active").Select(p => p.Item1).ToHashSet();
        var activeFor = (await distributors.QueryAsync<Guid>("select partner_id from authorizations where active")).Count(suspendedNow.Contains);
        if (outlived + activeFor > 0) { detail.Add($"{outlived + activeFor} authorizations of partners no longer active"); waiting += outlived + activeFor; }

        if (side is not null)
        {
            // Every report the distributor heard 201 for is stored; what Reporting added up equals the lines and links.
            var numbers = (await distributors.QueryAsync<string>("select report_number from reports")).ToHashSet();
            var missing = side.Received.Count(n => !numbers.Contains(n));
            if (missing > 0) { lost += missing; detail.Add($"{missing} reports answered 201 and not stored"); }
            var lines = await distributors.ExecuteScalarAsync<decimal>("select coalesce(sum(extended_amount), 0) from report_lines");
            var added = await reporting.ExecuteScalarAsync<decimal>("select coalesce(sum(revenue), 0) from sell_through");
            var batches = await distributors.ExecuteScalarAsync<long>("select coalesce(sum(batches), 0) from reports");
            var applied = await reporting.ExecuteScalarAsync<long>("select count(*) from sell_through_batches");
            var linked = await deals.ExecuteScalarAsync<decimal>("select coalesce(sum(amount), 0) from deal_sell_through");
            var registered = await reporting.ExecuteScalarAsync<decimal>("select coalesce(sum(revenue), 0) from sell_through_registered");
            if (applied > batches || added > lines || registered > linked)
            {
                duplicated++;
                detail.Add($"sell-through added up twice: {applied} of {batches} batches, {added} of {lines}, registered {registered} of {linked}");
            }
            else if (applied < batches || added != lines || registered != linked)
            {
                waiting++;
                detail.Add($"sell-through behind: {applied} of {batches} batches, {added} of {lines}, registered {registered} of {linked}");
            }
        }
        return new State(lost, duplicated, wrong, storedWithout201, waiting, string.Join("; ", detail));
    }
}
