using System.Security.Claims;
using Channel.Contracts.Deals;
using Channel.Contracts.Pricing;
using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>
/// The pricing side of a deal's chain: its price authorization (with a partner's view of it) and every version of it,
/// its special bids, and the claim lines filed against it with their decisions and credits — or why it has none (not
/// approved yet, below the minimum, no book price for its lines, the partner not active). Seen by staff, the deal's
/// partner, the distributor that registered it and those serving the partner in the customer's region; 404 otherwise or
/// when Pricing has not heard of the deal. A partner sees no claim lines (claims are the distributors'); a distributor
/// only its own.
/// </summary>
public static class GetDealPricing
{
    public sealed record Answer(Guid DealId, string DealStatus, AuthorizationView? Authorization, string? NotEligibleReason,
        IReadOnlyList<GetAuthorization.HistoryEntry> Versions, IReadOnlyList<SpecialBids.Bid> SpecialBids, IReadOnlyList<ClaimedLine> ClaimLines,
        decimal? AcceptedCredit, decimal? SettledCredit);

    public sealed class ClaimedLine
    {
        public Guid ClaimId { get; init; }
        public string ClaimNumber { get; init; } = "";
        public string ClaimStatus { get; init; } = "";
        public Guid DistributorId { get; init; }
        public string? DistributorName { get; init; }
        public int LineNo { get; init; }
        public int? PaLineNo { get; init; }
        public string InvoiceNumber { get; init; } = "";
        public DateOnly InvoiceDate { get; init; }
        public string VendorSku { get; init; } = "";
        public decimal Quantity { get; init; }
        public decimal ClaimedAmount { get; init; }
        public string Status { get; init; } = "";
        public string? Reason { get; init; }
        public decimal Credit { get; init; }
        public string? CreditMemo { get; init; }
    }

    sealed class DealCopy
    {
        public Guid Id { get; init; }
        public Guid PartnerId { get; init; }
        public Guid? DistributorId { get; init; }
        public string Status { get; init; } = "";
        public string CustomerRegion { get; init; } = "";
        public string? NotEligibleReason { get; init; }
    }

    const string ClaimLinesSql = """
        select l.claim_id, c.claim_number, c.status as claim_status, l.distributor_id, d.name as distributor_name, l.line_no, l.pa_line_no,
               l.invoice_number, l.invoice_date, l.vendor_sku, trim_scale(l.quantity) as quantity, l.claimed_amount, l.status, l.reason, l.credit,
               c.credit_memo
        from claim_lines l join claims c on c.id = l.claim_id left join distributors d on d.id = l.distributor_id
        where l.authorization_id = @Id and (@Distributor::uuid is null or l.distributor_id = @Distributor)
        order by l.invoice_date, c.claim_number, l.line_no
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/deals/{id:guid}", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Answer>().ProducesProblem(404).WithSummary("A deal's price authorization, its versions, bids and claim lines, or why it has none");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = Caller.From(user);
        await using var conn = await db.OpenConnectionAsync(ct);
        var deal = await conn.QuerySingleOrDefaultAsync<DealCopy>(new CommandDefinition(
            "select id, partner_id, distributor_id, status, customer_region, not_eligible_reason from deals where id = @id", new { id }, cancellationToken: ct));
        var sees = deal is not null && (caller.SeesEverything
            || (caller.Role == Roles.Partner && caller.PartnerId == deal.PartnerId)
            || (caller.Role == Roles.Distributor && caller.DistributorId is { } d && (deal.DistributorId == d
                || await conn.ExecuteScalarAsync<bool>(new CommandDefinition($"select {Scope.DistributorServes}",
                    new { ScopeDistributor = d, deal.PartnerId, Region = deal.CustomerRegion }, cancellationToken: ct)))));
        if (!sees)
            return TypedResults.Problem(statusCode: 404, title: "No such deal.", detail: $"Pricing knows no deal {id} you may see.");
        var pa = await conn.QuerySingleOrDefaultAsync<PriceAuthorization>(new CommandDefinition(
            $"select {Ledger.WithLines} from authorizations a where a.deal_id = @id", new { id }, cancellationToken: ct));
        if (pa is null)
        {
            var reason = deal!.Status is DealStatus.Submitted or DealStatus.ComplianceReview or DealStatus.Returned ? "the deal is not approved yet"
                : deal.NotEligibleReason ?? $"the deal is {deal.Status}";
            return TypedResults.Ok(new Answer(id, deal.Status, null, reason, [], [], [], null, null));
        }
        var versions = (await conn.QueryAsync<GetAuthorization.HistoryEntry>(new CommandDefinition(GetAuthorization.HistorySql, new { pa.Id }, cancellationToken: ct))).AsList();
        var bids = await SpecialBids.Of(conn, null, pa.Id, caller, ct);
        List<ClaimedLine> lines = caller.Role == Roles.Partner ? [] : (await conn.QueryAsync<ClaimedLine>(new CommandDefinition(ClaimLinesSql,
            new { pa.Id, Distributor = caller.Role == Roles.Distributor ? caller.DistributorId : null }, cancellationToken: ct))).AsList();
        var granted = lines.Where(l => l.Status is ClaimLineStatus.Accepted or ClaimLineStatus.Adjusted).ToList();
        var costs = Scope.SeesCosts(caller);
        return TypedResults.Ok(new Answer(id, deal!.Status, AuthorizationView.Of(pa, caller), null, versions, bids, lines,
            costs ? granted.Sum(l => l.Credit) : null,
            costs ? granted.Where(l => l.ClaimStatus == ClaimStatus.Settled).Sum(l => l.Credit) : null));
    }
}
