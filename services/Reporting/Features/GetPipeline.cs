using System.Security.Claims;
using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Reporting.Features;

/// <summary>
/// The deal pipeline: count and value by stage, partner, tier, region, distributor and month of
/// expected close; win rate; average days from submission to approval; ageing of open deals; deals
/// whose protection ends in the next 14 days. Every slice reads the pipeline sums, not the deals.
/// </summary>
public static class GetPipeline
{
    public static readonly string[] Statuses = [.. DealStatus.All];
    public static readonly string[] Views = ["stage", "partner", "tier", "region", "distributor", "month", "ageing", "expiring"];

    const string Filter = """
        where (@From::date is null or p.close_month >= date_trunc('month', @From::date)::date)
          and (@To::date is null or p.close_month <= @To::date)
          and (@Region::text is null or p.region = @Region)
          and (@PartnerId::uuid is null or p.partner_id = @PartnerId)
          and (@DistributorId::uuid is null or p.distributor_id = @DistributorId)
          and (@Status::text is null or p.status = @Status)
          and (@All or p.partner_id = @ScopePartner or p.distributor_id = @ScopeDistributor
               or p.partner_id in (select partner_id from authorizations where distributor_id = @ScopeDistributor and active))
        """;

    // The same filters on the rollups, which leave out the partner (used only when the caller sees everything).
    const string RollupFilter = """
        where (@From::date is null or p.close_month >= date_trunc('month', @From::date)::date)
          and (@To::date is null or p.close_month <= @To::date)
          and (@Region::text is null or p.region = @Region)
          and (@DistributorId::uuid is null or p.distributor_id = @DistributorId)
          and (@Status::text is null or p.status = @Status)
        """;

    const string Sums = $"""
        sum(p.deals) as deals, sum(p.value) as value,
        coalesce(sum(p.deals) filter (where p.status = '{DealStatus.Won}'), 0) as won,
        coalesce(sum(p.value) filter (where p.status = '{DealStatus.Won}'), 0) as won_value,
        coalesce(sum(p.deals) filter (where p.status = '{DealStatus.Lost}'), 0) as lost
        """;

    static readonly Dictionary<string, string> slices = Over("pipeline", Filter, "pipeline", Filter);

    // Rollups without the partner: the same questions for a caller who sees everything and filters by no partner.
    static readonly Dictionary<string, string> rollupSlices =
        Over("pipeline_rollup", RollupFilter, "partner_pipeline", "where (@Status::text is null or p.status = @Status)");

    /// <summary>Every slice, over a table of pipeline sums (and, for partner and tier, a table with the partner in it).</summary>
    static Dictionary<string, string> Over(string table, string filter, string partnerTable, string partnerFilter) => new()
    {
        ["stage"] = $"select p.status as key, null as label, {Sums} from {table} p {filter} group by 1 having sum(p.deals) <> 0 order by 1",
        ["partner"] = $"""
            select p.partner_id::text as key, pa.legal_name as label, {Sums}
            from {partnerTable} p left join partners pa on pa.id = p.partner_id {partnerFilter}
            group by 1, 2 having sum(p.deals) <> 0 order by value desc, key limit 100
            """,
        ["tier"] = $"""
            select coalesce(pa.tier, 'unknown') as key, null as label, {Sums}
            from {partnerTable} p left join partners pa on pa.id = p.partner_id {partnerFilter}
            group by 1 having sum(p.deals) <> 0 order by value desc
            """,
        ["region"] = $"select p.region as key, null as label, {Sums} from {table} p {filter} group by 1 having sum(p.deals) <> 0 order by value desc, key",
        ["distributor"] = $"""
            select case when p.distributor_id = '00000000-0000-0000-0000-000000000000' then 'direct' else p.distributor_id::text end as key,
                   coalesce(d.name, case when p.distributor_id = '00000000-0000-0000-0000-000000000000' then 'Registered by partners' end) as label, {Sums}
            from {table} p left join distributors d on d.id = p.distributor_id {filter}
            group by 1, 2 having sum(p.deals) <> 0 order by value desc
            """,
        ["month"] = $"select to_char(p.close_month, 'YYYY-MM') as key, null as label, {Sums} from {table} p {filter} group by 1 having sum(p.deals) <> 0 order by 1",
        ["totals"] = $"""
            select coalesce(sum(p.deals), 0) as deals, coalesce(sum(p.value), 0) as value,
                   coalesce(sum(p.deals) filter (where p.status in ('{DealStatus.Submitted}', '{DealStatus.ComplianceReview}', '{DealStatus.Approved}', '{DealStatus.Returned}')), 0) as open,
                   coalesce(sum(p.value) filter (where p.status in ('{DealStatus.Submitted}', '{DealStatus.ComplianceReview}', '{DealStatus.Approved}', '{DealStatus.Returned}')), 0) as open_value,
                   coalesce(sum(p.deals) filter (where p.status = '{DealStatus.Won}'), 0) as won,
                   coalesce(sum(p.value) filter (where p.status = '{DealStatus.Won}'), 0) as won_value,
                   coalesce(sum(p.deals) filter (where p.status = '{DealStatus.Lost}'), 0) as lost,
                   coalesce(sum(p.approved), 0) as approved, coalesce(sum(p.days_to_approve), 0) as days_to_approve
            from {table} p {filter}
            """,
    };

    /// <summary>The report filters and the caller's scope over the deals aliased <c>p</c> (<c>from</c>/<c>to</c> on the expected close).</summary>
    public const string DealFilter = """
        where (@From::date is null or p.expected_close >= date_trunc('month', @From::date)::date)
          and (@To::date is null or p.expected_close <= (date_trunc('month', @To::date) + interval '1 month - 1 day')::date)
          and (@Region::text is null or p.region = @Region)
          and (@PartnerId::uuid is null or p.partner_id = @PartnerId)
          and (@DistributorId::uuid is null or p.distributor_id = @DistributorId)
          and (@All or p.partner_id = @ScopePartner or p.distributor_id = @ScopeDistributor
               or p.partner_id in (select partner_id from authorizations where distributor_id = @ScopeDistributor and active))
        """;

    // Open deals by how long ago they were submitted (every bucket listed, empty or not), from rows of (age, deals, value).
    static string AgeingOf(string open) => $"""
        select b.bucket as key, null as label, coalesce(a.deals, 0) as deals, coalesce(a.value, 0) as value, 0 as won, 0 as won_value, 0 as lost
        from (values (0, '0-30 days'), (1, '31-60 days'), (2, '61-90 days'), (3, 'over 90 days')) as b(n, bucket)
        left join (
            select case when age <= 30 then 0 when age <= 60 then 1 when age <= 90 then 2 else 3 end as n, sum(deals) as deals, sum(value) as value
            from ({open}) open
            group by 1
        ) a on a.n = b.n
        order by b.n
        """;

    static readonly string Ageing = AgeingOf($"""
        select @Now::date - p.submitted_at::date as age, 1 as deals, p.value from deals p {DealFilter}
          and p.status in ('{DealStatus.Submitted}', '{DealStatus.ComplianceReview}', '{DealStatus.Approved}', '{DealStatus.Returned}')
        """);

    static readonly string RollupAgeing = AgeingOf("""
        select @Now::date - p.submitted_day as age, p.deals, p.value from open_by_day p
        where (@Region::text is null or p.region = @Region) and (@DistributorId::uuid is null or p.distributor_id = @DistributorId)
        """);

    /// <summary>The SQL for a slice (or the totals): the coarsest sums that can answer the caller's question.</summary>
    static string SliceSql(string view, ReportQuery q) =>
        view switch
        {
            "partner" or "tier" when q.All && q.PartnerId is null && q.From is null && q.To is null && q.Region is null && q.DistributorId is null
                => rollupSlices[view],
            "stage" or "region" or "distributor" or "month" or "totals" when q.All && q.PartnerId is null => rollupSlices[view],
            "ageing" when q.All && q.PartnerId is null && q.From is null && q.To is null => RollupAgeing,
            "ageing" => Ageing,
            _ => slices[view],
        };

    const string Expiring = $"""
        select p.id, p.customer_name, p.partner_id, pa.legal_name as partner_name, p.distributor_id, p.region, p.value, p.currency,
               p.protection_ends_at
        from deals p left join partners pa on pa.id = p.partner_id
        {DealFilter}
          and p.status = '{DealStatus.Approved}' and p.protection_ends_at >= @Now and p.protection_ends_at < @Now + interval '14 days'
        order by p.protection_ends_at limit 200
        """;

    public sealed class TotalsRow
    {
        public long Deals { get; set; }
        public decimal Value { get; set; }
        public long Open { get; set; }
        public decimal OpenValue { get; set; }
        public long Won { get; set; }
        public decimal WonValue { get; set; }
        public long Lost { get; set; }
        public long Approved { get; set; }
        public decimal DaysToApprove { get; set; }
        public decimal? WinRate => Won + Lost == 0 ? null : Math.Round((decimal)Won / (Won + Lost), 4);
        public decimal? AverageDaysToApprove => Approved == 0 ? null : Math.Round(DaysToApprove / Approved, 2);
    }

    public sealed class ExpiringDeal
    {
        public Guid Id { get; set; }
        public string CustomerName { get; set; } = "";
        public Guid PartnerId { get; set; }
        public string? PartnerName { get; set; }
        public Guid? DistributorId { get; set; }
        public string Region { get; set; } = "";
        public decimal Value { get; set; }
        public string Currency { get; set; } = "";
        public DateTimeOffset ProtectionEndsAt { get; set; }
    }

    public sealed record Summary(TotalsRow Totals, IEnumerable<Slice> ByStage, IEnumerable<Slice> ByPartner, IEnumerable<Slice> ByTier,
        IEnumerable<Slice> ByRegion, IEnumerable<Slice> ByDistributor, IEnumerable<Slice> ByMonth, IEnumerable<Slice> Ageing,
        IEnumerable<ExpiringDeal> ExpiringSoon);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/pipeline", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Summary>().ProducesValidationProblem().WithSummary("The pipeline, every slice at once");
        api.MapGet("/pipeline/{view}", View).RequireAuthorization(Policies.Authenticated)
            .Produces<Slice[]>().ProducesValidationProblem().WithValues("view", Views).WithValues("format", ["json", "csv"]).WithSummary("One slice of the pipeline; ?format=csv for a CSV file");
    }

    static object Args(ReportQuery q, TimeProvider clock) => new
    {
        q.From,
        q.To,
        q.Region,
        q.PartnerId,
        q.DistributorId,
        q.Status,
        q.All,
        q.ScopePartner,
        q.ScopeDistributor,
        Now = clock.GetUtcNow(),
    };

    static async Task<IResult> Handle(HttpRequest request, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var q = ReportQuery.Read(check, user, request, Statuses);
        if (q is null) return check.Problem();
        var args = Args(q, clock);
        // The slices are independent: each runs on its own connection, at the same time.
        async Task<IEnumerable<T>> Run<T>(string sql)
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            return await conn.QueryAsync<T>(new CommandDefinition(sql, args, cancellationToken: ct));
        }
        var totals = Run<TotalsRow>(SliceSql("totals", q));
        var stage = Run<Slice>(SliceSql("stage", q));
        var partner = Run<Slice>(SliceSql("partner", q));
        var tier = Run<Slice>(SliceSql("tier", q));
        var region = Run<Slice>(SliceSql("region", q));
        var distributor = Run<Slice>(SliceSql("distributor", q));
        var month = Run<Slice>(SliceSql("month", q));
        var ageing = Run<Slice>(SliceSql("ageing", q));
        var expiring = Run<ExpiringDeal>(Expiring);
        await Task.WhenAll(totals, stage, partner, tier, region, distributor, month, ageing, expiring);
        return TypedResults.Ok(new Summary((await totals).Single(), await stage, await partner, await tier, await region, await distributor,
            await month, await ageing, await expiring));
    }

    static async Task<IResult> View(string view, HttpRequest request, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider clock,
        CancellationToken ct, string? format = null)
    {
        var check = new Check();
        check.OneOf("view", view, Views);
        check.OneOf("format", format, ["json", "csv"], required: false);
        var q = ReportQuery.Read(check, user, request, Statuses);
        if (q is null || check.Failed) return check.Problem();
        var args = Args(q, clock);
        await using var conn = await db.OpenConnectionAsync(ct);
        if (view == "expiring")
        {
            var deals = await conn.QueryAsync<ExpiringDeal>(new CommandDefinition(Expiring, args, cancellationToken: ct));
            return format == "csv" ? Csv.File(deals, "pipeline-expiring.csv") : TypedResults.Ok(deals);
        }
        var rows = await conn.QueryAsync<Slice>(new CommandDefinition(SliceSql(view, q), args, cancellationToken: ct));
        return format == "csv" ? Csv.File(rows, $"pipeline-by-{view}.csv") : TypedResults.Ok(rows);
    }
}
