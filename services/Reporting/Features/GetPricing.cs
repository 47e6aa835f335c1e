using System.Security.Claims;
using Channel.Contracts.Deals;
using Channel.Contracts.Pricing;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Reporting.Features;

/// <summary>
/// The money side of the channel: exposure (credit authorized on live PAs and not yet claimed), claims by distributor and
/// status, the ageing of claims not yet settled, credits settled by month, and leakage — credit granted by a manager's
/// override (no sell-through or rule behind it), won deals with no sell-through after some days, and sales at or below
/// book cost that no PA covered. Staff see it all; a
/// partner the exposure of its own PAs; a distributor its own claims. Filters: <c>from</c>/<c>to</c> (claims received),
/// <c>partnerId</c>, <c>distributorId</c>, <c>wonWithoutSellThroughDays</c> (default 30). And the pipeline at net price: open
/// deals by expected close month (<c>from</c>/<c>to</c> and <c>region</c> apply as in the pipeline report), each valued at its
/// PA's net price where it has a live one.
/// </summary>
public static class GetPricing
{
    public sealed class Exposure
    {
        public long Authorizations { get; set; }
        public decimal AuthorizedCredit { get; set; }
        public decimal ClaimedCredit { get; set; }
        public decimal OpenCredit { get; set; }
    }

    public sealed class ClaimRow
    {
        public string Key { get; set; } = "";
        public string? Label { get; set; }
        public long Claims { get; set; }
        public long Lines { get; set; }
        public decimal Claimed { get; set; }
        public decimal AcceptedCredit { get; set; }
        public long PendingLines { get; set; }
        public long DisputedLines { get; set; }
        public long RejectedLines { get; set; }
    }

    public sealed class Leakage
    {
        public decimal OverrideCredit { get; set; }
        public long OverrideLines { get; set; }
        public long WonWithoutSellThrough { get; set; }
        public decimal WonWithoutSellThroughValue { get; set; }
        public int WonWithoutSellThroughDays { get; set; }
        /// <summary>Sales at or below book cost that no PA covered on their invoice date: how many, their amount, and the book value given away under.</summary>
        public long BelowBookLines { get; set; }
        public decimal BelowBookAmount { get; set; }
        public decimal BelowBookValue { get; set; }
    }

    /// <summary>Open deals by expected close month, as registered and at net price (a deal with a live PA at its net value, the rest as registered).</summary>
    public sealed class NetPipelineRow
    {
        public string Key { get; set; } = "";
        public long Deals { get; set; }
        public long WithAuthorization { get; set; }
        public decimal RegisteredValue { get; set; }
        public decimal NetValue { get; set; }
    }

    public sealed record NetPipeline(long Deals, long WithAuthorization, decimal RegisteredValue, decimal NetValue, IEnumerable<NetPipelineRow> ByMonth);

    public sealed record Report(Exposure Exposure, IEnumerable<ClaimRow> ByDistributor, IEnumerable<ClaimRow> ByStatus, IEnumerable<ClaimRow> Ageing,
        IEnumerable<ClaimRow> SettledByMonth, Leakage Leakage, NetPipeline NetPipeline);

    // A suspended PA is still exposure: it comes back when compliance clears it.
    const string Live = $"('{PriceAuthorizationStatus.PendingApproval}', '{PriceAuthorizationStatus.Active}', '{PriceAuthorizationStatus.Suspended}')";
    const string Granted = $"('{ClaimLineStatus.Accepted}', '{ClaimLineStatus.Adjusted}')";

    const string ExposureSql = $"""
        with claimed as (
            select authorization_id, sum(credit) as credit from claim_lines where status in {Granted} and authorization_id is not null group by 1
        )
        select count(*) as authorizations, coalesce(sum(a.authorized_credit), 0) as authorized_credit, coalesce(sum(c.credit), 0) as claimed_credit,
               coalesce(sum(greatest(a.authorized_credit - coalesce(c.credit, 0), 0)), 0) as open_credit
        from price_authorizations a left join claimed c on c.authorization_id = a.id
        where a.status in {Live} and (@All or a.partner_id = @ScopePartner) and (@PartnerId::uuid is null or a.partner_id = @PartnerId)
        """;

    const string ClaimFilter = """
        where (@All or c.distributor_id = @ScopeDistributor)
          and (@DistributorId::uuid is null or c.distributor_id = @DistributorId)
          and (@From::date is null or c.received_at >= @From::date)
          and (@To::date is null or c.received_at < @To::date + 1)
        """;

    static string Grouped(string key, string label = "null", string join = "", string where = "", string order = "1") => $"""
        select {key} as key, {label} as label, count(*) as claims, coalesce(sum(c.line_count), 0) as lines,
               coalesce(sum(c.claimed_amount), 0) as claimed, coalesce(sum(c.accepted_credit), 0) as accepted_credit,
               coalesce(sum(c.pending_lines), 0) as pending_lines, coalesce(sum(c.disputed_lines), 0) as disputed_lines,
               coalesce(sum(c.rejected_lines), 0) as rejected_lines
        from claims c {join} {ClaimFilter} {where}
        group by 1, 2 order by {order}
        """;

    static readonly string ByDistributor = Grouped("c.distributor_id::text", "d.name", "left join distributors d on d.id = c.distributor_id", order: "accepted_credit desc");
    static readonly string ByStatus = Grouped("c.status");
    static readonly string Ageing = Grouped("""
        case when c.received_at > @Now - interval '30 days' then '0-30'
             when c.received_at > @Now - interval '60 days' then '31-60'
             when c.received_at > @Now - interval '90 days' then '61-90' else '90+' end
        """, where: $" and c.status <> '{ClaimStatus.Settled}'");
    static readonly string SettledByMonth = Grouped("to_char(c.settled_at, 'YYYY-MM')", where: $" and c.status = '{ClaimStatus.Settled}'");

    // The part of a deal its PA does not cover (lines with no book price) stays at its registered value.
    const string NetPipelineSql = $"""
        select to_char(p.expected_close, 'YYYY-MM') as key, count(*) as deals, count(a.id) as with_authorization,
               coalesce(sum(p.value), 0) as registered_value,
               coalesce(sum(case when a.id is null then p.value else p.value - a.registered_value + a.net_value end), 0) as net_value
        from deals p left join price_authorizations a on a.deal_id = p.id and a.status in {Live}
        {GetPipeline.DealFilter}
          and p.status in ('{DealStatus.Submitted}', '{DealStatus.ComplianceReview}', '{DealStatus.Approved}', '{DealStatus.Returned}')
        group by 1 order by 1
        """;

    const string LeakageSql = $"""
        select coalesce((select sum(l.credit) from claim_lines l join claims c on c.id = l.claim_id {ClaimFilter}
                           and l.reason = '{ClaimReason.ManualOverride}' and l.status in {Granted}), 0) as override_credit,
               (select count(*) from claim_lines l join claims c on c.id = l.claim_id {ClaimFilter}
                  and l.reason = '{ClaimReason.ManualOverride}' and l.status in {Granted}) as override_lines,
               (select count(*) from deals d where d.status = '{DealStatus.Won}' and d.closed_at <= @Now - make_interval(days => @Days)
                  and (@All or d.partner_id = @ScopePartner) and (@PartnerId::uuid is null or d.partner_id = @PartnerId)
                  and not exists (select 1 from sell_through_links s where s.deal_id = d.id)) as won_without_sell_through,
               coalesce((select sum(d.value) from deals d where d.status = '{DealStatus.Won}' and d.closed_at <= @Now - make_interval(days => @Days)
                  and (@All or d.partner_id = @ScopePartner) and (@PartnerId::uuid is null or d.partner_id = @PartnerId)
                  and not exists (select 1 from sell_through_links s where s.deal_id = d.id)), 0) as won_without_sell_through_value,
               @Days as won_without_sell_through_days,
               (select count(*) from below_book_sales b {BelowBookFilter}) as below_book_lines,
               coalesce((select sum(b.extended_amount) from below_book_sales b {BelowBookFilter}), 0) as below_book_amount,
               coalesce((select sum(b.book_value) from below_book_sales b {BelowBookFilter}), 0) as below_book_value
        """;

    const string BelowBookFilter = """
        where (@All or b.reseller_id = @ScopePartner or b.distributor_id = @ScopeDistributor)
          and (@PartnerId::uuid is null or b.reseller_id = @PartnerId) and (@DistributorId::uuid is null or b.distributor_id = @DistributorId)
          and (@From::date is null or b.invoice_date >= @From::date) and (@To::date is null or b.invoice_date <= @To::date)
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/pricing", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Report>().ProducesValidationProblem().WithSummary("Exposure, claims, ageing, settled credits and leakage");

    static async Task<IResult> Handle(HttpRequest request, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct,
        int? wonWithoutSellThroughDays = null)
    {
        var check = new Check();
        var days = check.Range("wonWithoutSellThroughDays", wonWithoutSellThroughDays ?? 30, 0, 3650) ?? 30;
        var q = ReportQuery.Read(check, user, request);
        if (q is null || check.Failed) return check.Problem();
        var args = new { q.From, q.To, q.Region, q.PartnerId, q.DistributorId, q.All, q.ScopePartner, q.ScopeDistributor, Now = clock.GetUtcNow(), Days = days };
        await using var conn = await db.OpenConnectionAsync(ct);
        var exposure = await conn.QuerySingleAsync<Exposure>(new CommandDefinition(ExposureSql, args, cancellationToken: ct));
        var byDistributor = await conn.QueryAsync<ClaimRow>(new CommandDefinition(ByDistributor, args, cancellationToken: ct));
        var byStatus = await conn.QueryAsync<ClaimRow>(new CommandDefinition(ByStatus, args, cancellationToken: ct));
        var ageing = await conn.QueryAsync<ClaimRow>(new CommandDefinition(Ageing, args, cancellationToken: ct));
        var settled = await conn.QueryAsync<ClaimRow>(new CommandDefinition(SettledByMonth, args, cancellationToken: ct));
        var leakage = await conn.QuerySingleAsync<Leakage>(new CommandDefinition(LeakageSql, args, cancellationToken: ct));
        var months = (await conn.QueryAsync<NetPipelineRow>(new CommandDefinition(NetPipelineSql, args, cancellationToken: ct))).AsList();
        var net = new NetPipeline(months.Sum(m => m.Deals), months.Sum(m => m.WithAuthorization), months.Sum(m => m.RegisteredValue),
            months.Sum(m => m.NetValue), months);
        return TypedResults.Ok(new Report(exposure, byDistributor, byStatus, ageing, settled, leakage, net));
    }
}
