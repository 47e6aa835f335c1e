using System.Text.Json;
using Channel.Contracts.Deals;
using Channel.Contracts.Distributors;
using Dapper;
using Npgsql;
using OpenKey = (System.DateOnly SubmittedDay, string Status, System.Guid DistributorId, string Region);
using OpenSum = (int Deals, decimal Value);
using SliceKey = (string Status, System.Guid PartnerId, System.Guid DistributorId, string Region, System.DateOnly CloseMonth);
using SliceSum = (int Deals, decimal Value, int Approved, decimal Days);

namespace Channel.Reporting.Consumers;

/// <summary>
/// Keeps the deal read model and the pipeline sums in step with each deal's newest state. Events
/// carry the whole state, so an event older than what the model holds changes nothing, and the
/// pipeline moves the deal's contribution from its old slice to its new one in the same transaction.
/// Events come in batches: the batch's contributions are summed per slice first, so a busy slice
/// (this month's submitted deals in one region) is written once per batch, not once per deal.
/// </summary>
public static class DealProjection
{
    public sealed record Change(Guid DealId, int Version, DealState State);

    sealed class Row
    {
        public Guid Id { get; set; }
        public string Status { get; set; } = "";
        public Guid PartnerId { get; set; }
        public Guid? DistributorId { get; set; }
        public string Region { get; set; } = "";
        public DateOnly ExpectedClose { get; set; }
        public decimal Value { get; set; }
        public DateTimeOffset SubmittedAt { get; set; }
        public DateTimeOffset? ApprovedAt { get; set; }
        public int Version { get; set; }
    }

    // Two batches about a deal not yet in the model must not both insert it: each deal is locked, in one order.
    const string Lock = """
        select pg_advisory_xact_lock(hashtextextended(id::text, 7)) from (select id from unnest(@Ids::uuid[]) id order by id) d
        """;

    const string Current = """
        select id, status, partner_id, distributor_id, region, expected_close, value, submitted_at, approved_at, version
        from deals where id = any(@Ids) order by id for update
        """;

    const string Upsert = """
        insert into deals (id, partner_id, distributor_id, status, customer_name, region, country, value, currency, expected_close,
            submitted_at, approved_at, protection_ends_at, closed_at, overdue, version)
        select * from jsonb_to_recordset(@Rows::jsonb) as r(id uuid, partner_id uuid, distributor_id uuid, status text, customer_name text,
            region text, country text, value numeric, currency text, expected_close date, submitted_at timestamptz, approved_at timestamptz,
            protection_ends_at timestamptz, closed_at timestamptz, overdue boolean, version int)
        order by id
        on conflict (id) do update set partner_id = excluded.partner_id, distributor_id = excluded.distributor_id,
            status = excluded.status, customer_name = excluded.customer_name, region = excluded.region, country = excluded.country,
            value = excluded.value, currency = excluded.currency, expected_close = excluded.expected_close,
            submitted_at = excluded.submitted_at, approved_at = excluded.approved_at, protection_ends_at = excluded.protection_ends_at,
            closed_at = excluded.closed_at, overdue = excluded.overdue, version = excluded.version
        """;

    // The slices, each written in key order (so two batches never wait on each other in a circle).
    const string Slices = """
        jsonb_to_recordset(@Slices::jsonb) as d(status text, partner_id uuid, distributor_id uuid, region text, close_month date,
            deals int, value numeric, approved int, days numeric)
        """;

    const string Adjust = $"""
        insert into pipeline (status, partner_id, distributor_id, region, close_month, deals, value, approved, days_to_approve)
        select * from {Slices} order by status, partner_id, distributor_id, region, close_month
        on conflict (status, partner_id, distributor_id, region, close_month) do update
            set deals = pipeline.deals + excluded.deals, value = pipeline.value + excluded.value,
                approved = pipeline.approved + excluded.approved, days_to_approve = pipeline.days_to_approve + excluded.days_to_approve;
        insert into pipeline_rollup (status, distributor_id, region, close_month, deals, value, approved, days_to_approve)
        select status, distributor_id, region, close_month, sum(deals), sum(value), sum(approved), sum(days)
        from {Slices} group by 1, 2, 3, 4 order by 1, 2, 3, 4
        on conflict (status, distributor_id, region, close_month) do update
            set deals = pipeline_rollup.deals + excluded.deals, value = pipeline_rollup.value + excluded.value,
                approved = pipeline_rollup.approved + excluded.approved,
                days_to_approve = pipeline_rollup.days_to_approve + excluded.days_to_approve;
        insert into partner_pipeline (partner_id, status, deals, value)
        select partner_id, status, sum(deals), sum(value) from {Slices} group by 1, 2 order by 1, 2
        on conflict (partner_id, status) do update
            set deals = partner_pipeline.deals + excluded.deals, value = partner_pipeline.value + excluded.value;
        insert into open_by_day (submitted_day, status, distributor_id, region, deals, value)
        select * from jsonb_to_recordset(@Open::jsonb) as r(submitted_day date, status text, distributor_id uuid, region text, deals int, value numeric)
        order by 1, 2, 3, 4
        on conflict (submitted_day, status, distributor_id, region) do update
            set deals = open_by_day.deals + excluded.deals, value = open_by_day.value + excluded.value;
        """;



    public static async Task Apply(NpgsqlTransaction tx, IReadOnlyList<Change> changes, CancellationToken ct)
    {
        if (changes.Count == 0) return;
        var conn = tx.Connection!;
        var ids = changes.Select(c => c.DealId).Distinct().Order().ToArray();
        await conn.ExecuteAsync(new CommandDefinition(Lock, new { Ids = ids }, tx, cancellationToken: ct));
        var current = (await conn.QueryAsync<Row>(new CommandDefinition(Current, new { Ids = ids }, tx, cancellationToken: ct)))
            .ToDictionary(r => r.Id);
        var slices = new Dictionary<SliceKey, SliceSum>();
        var open = new Dictionary<OpenKey, OpenSum>();
        var newest = new Dictionary<Guid, Change>();
        foreach (var change in changes.OrderBy(c => c.DealId).ThenBy(c => c.Version))
        {
            current.TryGetValue(change.DealId, out var old);
            if (old is not null && old.Version >= change.Version) continue;
            if (old is not null) Contribute(slices, open, old, -1);
            var row = RowOf(change);
            Contribute(slices, open, row, +1);
            current[change.DealId] = row;
            newest[change.DealId] = change;
        }
        if (newest.Count == 0) return;
        await conn.ExecuteAsync(new CommandDefinition(Upsert, new
        {
            Rows = JsonSerializer.Serialize(newest.Values.Select(c => new
            {
                id = c.DealId,
                partner_id = c.State.PartnerId,
                distributor_id = c.State.DistributorId,
                status = c.State.Status,
                customer_name = c.State.CustomerName,
                region = c.State.CustomerRegion,
                country = c.State.CustomerCountry,
                value = c.State.ActualAmount ?? c.State.TotalValue,
                currency = c.State.Currency,
                expected_close = c.State.ExpectedClose,
                submitted_at = c.State.SubmittedAt,
                approved_at = c.State.ApprovedAt,
                protection_ends_at = c.State.ProtectionEndsAt,
                closed_at = c.State.ClosedAt,
                overdue = c.State.Overdue,
                version = c.Version,
            })),
        }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(Adjust, new
        {
            Slices = JsonSerializer.Serialize(slices.Where(s => s.Value != default).Select(s => new
            {
                status = s.Key.Status,
                partner_id = s.Key.PartnerId,
                distributor_id = s.Key.DistributorId,
                region = s.Key.Region,
                close_month = s.Key.CloseMonth,
                deals = s.Value.Deals,
                value = s.Value.Value,
                approved = s.Value.Approved,
                days = s.Value.Days,
            })),
            Open = JsonSerializer.Serialize(open.Where(s => s.Value != default).Select(s => new
            {
                submitted_day = s.Key.SubmittedDay,
                status = s.Key.Status,
                distributor_id = s.Key.DistributorId,
                region = s.Key.Region,
                deals = s.Value.Deals,
                value = s.Value.Value,
            })),
        }, tx, cancellationToken: ct));
    }

    static Row RowOf(Change c) => new()
    {
        Id = c.DealId,
        Status = c.State.Status,
        PartnerId = c.State.PartnerId,
        DistributorId = c.State.DistributorId,
        Region = c.State.CustomerRegion,
        ExpectedClose = c.State.ExpectedClose,
        Value = c.State.ActualAmount ?? c.State.TotalValue,
        SubmittedAt = c.State.SubmittedAt,
        ApprovedAt = c.State.ApprovedAt,
        Version = c.Version,
    };

    static void Contribute(Dictionary<SliceKey, SliceSum> slices, Dictionary<OpenKey, OpenSum> open, Row deal, int sign)
    {
        var distributor = deal.DistributorId ?? Guid.Empty;
        var slice = (deal.Status, deal.PartnerId, distributor, deal.Region, new DateOnly(deal.ExpectedClose.Year, deal.ExpectedClose.Month, 1));
        var sum = slices.GetValueOrDefault(slice);
        slices[slice] = (sum.Deals + sign, sum.Value + sign * deal.Value, sum.Approved + (deal.ApprovedAt is null ? 0 : sign),
            sum.Days + (deal.ApprovedAt is { } at ? sign * (decimal)(at - deal.SubmittedAt).TotalDays : 0m));
        if (!DealStatus.InPipeline.Contains(deal.Status)) return;
        var day = (DateOnly.FromDateTime(deal.SubmittedAt.UtcDateTime), deal.Status, distributor, deal.Region);
        var opened = open.GetValueOrDefault(day);
        open[day] = (opened.Deals + sign, opened.Value + sign * deal.Value);
    }
}

/// <summary>Sell-through summed by month, distributor, partner, SKU, region and currency (returns count negative).</summary>
public static class SellThroughProjection
{
    const string Add = """
        insert into sell_through (month, distributor_id, partner_id, sku, region, currency, revenue, units, lines)
        select * from unnest(@Months::date[], @Distributors::uuid[], @Partners::uuid[], @Skus::text[], @Regions::text[],
                             @Currencies::text[], @Revenues::numeric[], @Units::numeric[], @Lines::int[])
        on conflict (month, distributor_id, partner_id, sku, region, currency) do update
            set revenue = sell_through.revenue + excluded.revenue, units = sell_through.units + excluded.units,
                lines = sell_through.lines + excluded.lines;
        insert into sell_through_month (month, distributor_id, region, revenue, units, lines)
        select month, distributor_id, region, sum(revenue), sum(units), sum(lines)
        from unnest(@Months::date[], @Distributors::uuid[], @Regions::text[], @Revenues::numeric[], @Units::numeric[], @Lines::int[])
             as l(month, distributor_id, region, revenue, units, lines)
        group by 1, 2, 3
        on conflict (month, distributor_id, region) do update
            set revenue = sell_through_month.revenue + excluded.revenue, units = sell_through_month.units + excluded.units,
                lines = sell_through_month.lines + excluded.lines
        """;

    const string Once = "insert into sell_through_batches (report_id, batch) values (@ReportId, @Batch) on conflict do nothing";

    /// <summary>Adds a batch's lines to the sums, once per (report, batch) ever.</summary>
    public static async Task Apply(NpgsqlTransaction tx, SellThroughReported report, CancellationToken ct)
    {
        if (await tx.Connection!.ExecuteAsync(new CommandDefinition(Once, new { report.ReportId, report.Batch }, tx, cancellationToken: ct)) == 0) return;
        var sums = report.Lines
            .GroupBy(l => (Month: new DateOnly(l.InvoiceDate.Year, l.InvoiceDate.Month, 1), l.ResellerId, l.VendorSku, Region: l.EndCustomerRegion ?? "", l.Currency))
            .Select(g => (g.Key, Revenue: g.Sum(l => l.ExtendedAmount), Units: g.Sum(l => l.Quantity), Lines: g.Count()))
            .ToList();
        await tx.Connection!.ExecuteAsync(new CommandDefinition(Add, new
        {
            Months = sums.Select(s => s.Key.Month).ToArray(),
            Distributors = sums.Select(_ => report.DistributorId).ToArray(),
            Partners = sums.Select(s => s.Key.ResellerId).ToArray(),
            Skus = sums.Select(s => s.Key.VendorSku).ToArray(),
            Regions = sums.Select(s => s.Key.Region).ToArray(),
            Currencies = sums.Select(s => s.Key.Currency).ToArray(),
            Revenues = sums.Select(s => s.Revenue).ToArray(),
            Units = sums.Select(s => s.Units).ToArray(),
            Lines = sums.Select(s => s.Lines).ToArray(),
        }, tx, cancellationToken: ct));
    }

    const string Registered = """
        insert into sell_through_registered (month, distributor_id, partner_id, revenue)
        select * from unnest(@Months::date[], @Distributors::uuid[], @Partners::uuid[], @Revenues::numeric[])
        on conflict (month, distributor_id, partner_id) do update set revenue = sell_through_registered.revenue + excluded.revenue;
        insert into registered_month (month, distributor_id, revenue)
        select month, distributor_id, sum(revenue) from unnest(@Months::date[], @Distributors::uuid[], @Revenues::numeric[]) as l(month, distributor_id, revenue)
        group by 1, 2
        on conflict (month, distributor_id) do update set revenue = registered_month.revenue + excluded.revenue
        """;

    const string LinkOnce = "insert into sell_through_links (deal_id, report_id, batch) values (@DealId, @ReportId, @Batch) on conflict do nothing";

    /// <summary>Adds what a batch linked to a deal to the registered revenue, once per (deal, report, batch) ever.</summary>
    public static async Task Link(NpgsqlTransaction tx, SellThroughLinked linked, CancellationToken ct)
    {
        if (await tx.Connection!.ExecuteAsync(new CommandDefinition(LinkOnce, new { linked.DealId, linked.ReportId, linked.Batch }, tx, cancellationToken: ct)) == 0)
            return;
        var sums = linked.Lines.GroupBy(l => new DateOnly(l.InvoiceDate.Year, l.InvoiceDate.Month, 1))
            .Select(g => (Month: g.Key, Revenue: g.Sum(l => l.Amount))).ToList();
        await tx.Connection!.ExecuteAsync(new CommandDefinition(Registered, new
        {
            Months = sums.Select(s => s.Month).ToArray(),
            Distributors = sums.Select(_ => linked.DistributorId).ToArray(),
            Partners = sums.Select(_ => linked.PartnerId).ToArray(),
            Revenues = sums.Select(s => s.Revenue).ToArray(),
        }, tx, cancellationToken: ct));
    }
}
