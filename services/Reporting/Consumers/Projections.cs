using Channel.Contracts.Deals;
using Channel.Contracts.Distributors;
using Dapper;
using Npgsql;

namespace Channel.Reporting.Consumers;

/// <summary>
/// Keeps the deal read model and the pipeline sums in step with each deal's newest state. Events
/// carry the whole state, so an event older than what the model holds changes nothing, and the
/// pipeline moves the deal's contribution from its old slice to its new one in the same transaction.
/// </summary>
public static class DealProjection
{
    sealed class Row
    {
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

    const string Current = """
        select status, partner_id, distributor_id, region, expected_close, value, submitted_at, approved_at, version
        from deals where id = @Id for update
        """;

    const string Upsert = """
        insert into deals (id, partner_id, distributor_id, status, customer_name, region, country, value, currency, expected_close,
            submitted_at, approved_at, protection_ends_at, closed_at, overdue, version)
        values (@Id, @PartnerId, @DistributorId, @Status, @CustomerName, @Region, @Country, @Value, @Currency, @ExpectedClose,
            @SubmittedAt, @ApprovedAt, @ProtectionEndsAt, @ClosedAt, @Overdue, @Version)
        on conflict (id) do update set partner_id = excluded.partner_id, distributor_id = excluded.distributor_id,
            status = excluded.status, customer_name = excluded.customer_name, region = excluded.region, country = excluded.country,
            value = excluded.value, currency = excluded.currency, expected_close = excluded.expected_close,
            submitted_at = excluded.submitted_at, approved_at = excluded.approved_at, protection_ends_at = excluded.protection_ends_at,
            closed_at = excluded.closed_at, overdue = excluded.overdue, version = excluded.version
        """;

    const string Adjust = """
        insert into pipeline (status, partner_id, distributor_id, region, close_month, deals, value, approved, days_to_approve)
        values (@Status, @PartnerId, @DistributorId, @Region, @CloseMonth, @Deals, @Value, @Approved, @Days)
        on conflict (status, partner_id, distributor_id, region, close_month) do update
            set deals = pipeline.deals + excluded.deals, value = pipeline.value + excluded.value,
                approved = pipeline.approved + excluded.approved, days_to_approve = pipeline.days_to_approve + excluded.days_to_approve
        """;

    const string AdjustRollups = """
        insert into pipeline_rollup (status, distributor_id, region, close_month, deals, value, approved, days_to_approve)
        values (@Status, @DistributorId, @Region, @CloseMonth, @Deals, @Value, @Approved, @Days)
        on conflict (status, distributor_id, region, close_month) do update
            set deals = pipeline_rollup.deals + excluded.deals, value = pipeline_rollup.value + excluded.value,
                approved = pipeline_rollup.approved + excluded.approved,
                days_to_approve = pipeline_rollup.days_to_approve + excluded.days_to_approve;
        insert into partner_pipeline (partner_id, status, deals, value) values (@PartnerId, @Status, @Deals, @Value)
        on conflict (partner_id, status) do update
            set deals = partner_pipeline.deals + excluded.deals, value = partner_pipeline.value + excluded.value;
        """;

    const string AdjustOpen = """
        insert into open_by_day (submitted_day, status, distributor_id, region, deals, value)
        values (@SubmittedDay, @Status, @DistributorId, @Region, @Deals, @Value)
        on conflict (submitted_day, status, distributor_id, region) do update
            set deals = open_by_day.deals + excluded.deals, value = open_by_day.value + excluded.value
        """;

    const string AdjustAll = Adjust + ";\n" + AdjustRollups;

    public static readonly string[] OpenStatuses = ["submitted", "compliance_review", "approved", "returned"];

    public static async Task Apply(NpgsqlTransaction tx, Guid dealId, int version, DealState state, CancellationToken ct)
    {
        var conn = tx.Connection!;
        // Two events about a deal not yet in the model must not both insert it.
        await conn.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(hashtextextended(@id::text, 7))", new { id = dealId }, tx, cancellationToken: ct));
        var old = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Current, new { Id = dealId }, tx, cancellationToken: ct));
        if (old is not null && old.Version >= version) return;
        if (old is not null)
            await Contribute(conn, tx, old.Status, old.PartnerId, old.DistributorId, old.Region, old.ExpectedClose, old.Value, old.SubmittedAt, old.ApprovedAt, -1, ct);
        var value = state.ActualAmount ?? state.TotalValue;
        await conn.ExecuteAsync(new CommandDefinition(Upsert, new
        {
            Id = dealId,
            state.PartnerId,
            state.DistributorId,
            state.Status,
            state.CustomerName,
            Region = state.CustomerRegion,
            Country = state.CustomerCountry,
            Value = value,
            state.Currency,
            state.ExpectedClose,
            state.SubmittedAt,
            state.ApprovedAt,
            state.ProtectionEndsAt,
            state.ClosedAt,
            state.Overdue,
            Version = version,
        }, tx, cancellationToken: ct));
        await Contribute(conn, tx, state.Status, state.PartnerId, state.DistributorId, state.CustomerRegion, state.ExpectedClose, value,
            state.SubmittedAt, state.ApprovedAt, +1, ct);
    }

    static async Task Contribute(NpgsqlConnection conn, NpgsqlTransaction tx, string status, Guid partnerId, Guid? distributorId, string region,
        DateOnly close, decimal value, DateTimeOffset submittedAt, DateTimeOffset? approvedAt, int sign, CancellationToken ct)
    {
        var args = new
        {
            Status = status,
            PartnerId = partnerId,
            DistributorId = distributorId ?? Guid.Empty,
            Region = region,
            CloseMonth = new DateOnly(close.Year, close.Month, 1),
            Deals = sign,
            Value = sign * value,
            Approved = approvedAt is null ? 0 : sign,
            Days = approvedAt is { } at ? sign * (decimal)(at - submittedAt).TotalDays : 0m,
            SubmittedDay = DateOnly.FromDateTime(submittedAt.UtcDateTime),
        };
        await conn.ExecuteAsync(new CommandDefinition(AdjustAll, args, tx, cancellationToken: ct));
        if (OpenStatuses.Contains(status))
            await conn.ExecuteAsync(new CommandDefinition(AdjustOpen, args, tx, cancellationToken: ct));
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

    public static Task Apply(NpgsqlTransaction tx, SellThroughReported report, CancellationToken ct)
    {
        var sums = report.Lines
            .GroupBy(l => (Month: new DateOnly(l.InvoiceDate.Year, l.InvoiceDate.Month, 1), l.ResellerId, l.VendorSku, Region: l.EndCustomerRegion ?? "", l.Currency))
            .Select(g => (g.Key, Revenue: g.Sum(l => l.ExtendedAmount), Units: g.Sum(l => l.Quantity), Lines: g.Count()))
            .ToList();
        return tx.Connection!.ExecuteAsync(new CommandDefinition(Add, new
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

    public static Task Link(NpgsqlTransaction tx, SellThroughLinked linked, CancellationToken ct)
    {
        var sums = linked.Lines.GroupBy(l => new DateOnly(l.InvoiceDate.Year, l.InvoiceDate.Month, 1))
            .Select(g => (Month: g.Key, Revenue: g.Sum(l => l.Amount))).ToList();
        return tx.Connection!.ExecuteAsync(new CommandDefinition(Registered, new
        {
            Months = sums.Select(s => s.Month).ToArray(),
            Distributors = sums.Select(_ => linked.DistributorId).ToArray(),
            Partners = sums.Select(_ => linked.PartnerId).ToArray(),
            Revenues = sums.Select(s => s.Revenue).ToArray(),
        }, tx, cancellationToken: ct));
    }
}
