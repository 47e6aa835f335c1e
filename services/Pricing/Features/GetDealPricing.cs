using System.Security.Claims;
using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>
/// What pricing a deal has: its price authorization (with a partner's view of it), or why it has none — not approved
/// yet, below the minimum, no book price for its lines, the partner not active. Seen by staff, the deal's partner, the
/// distributor that registered it and those serving the partner in the customer's region; 404 otherwise or when Pricing
/// has not heard of the deal.
/// </summary>
public static class GetDealPricing
{
    public sealed record Answer(Guid DealId, string DealStatus, AuthorizationView? Authorization, string? NotEligibleReason);

    sealed class DealCopy
    {
        public Guid Id { get; init; }
        public Guid PartnerId { get; init; }
        public Guid? DistributorId { get; init; }
        public string Status { get; init; } = "";
        public string CustomerRegion { get; init; } = "";
        public string? NotEligibleReason { get; init; }
    }

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/deals/{id:guid}", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Answer>().ProducesProblem(404).WithSummary("A deal's price authorization, or why it has none");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = Caller.From(user);
        await using var conn = await db.OpenConnectionAsync(ct);
        var deal = await conn.QuerySingleOrDefaultAsync<DealCopy>(new CommandDefinition(
            "select id, partner_id, distributor_id, status, customer_region, not_eligible_reason from deals where id = @id", new { id }, cancellationToken: ct));
        var sees = deal is not null && (caller.SeesEverything
            || (caller.Role == Roles.Partner && caller.PartnerId == deal.PartnerId)
            || (caller.Role == Roles.Distributor && caller.DistributorId is { } d && (deal.DistributorId == d
                || await conn.ExecuteScalarAsync<bool>(new CommandDefinition("""
                    select exists (select 1 from reseller_authorizations where distributor_id = @d and partner_id = @PartnerId and active
                                   and @CustomerRegion = any(regions))
                    """, new { d, deal.PartnerId, deal.CustomerRegion }, cancellationToken: ct)))));
        if (!sees)
            return TypedResults.Problem(statusCode: 404, title: "No such deal.", detail: $"Pricing knows no deal {id} you may see.");
        var pa = await conn.QuerySingleOrDefaultAsync<PriceAuthorization>(new CommandDefinition(
            $"select {Ledger.WithLines} from authorizations a where a.deal_id = @id", new { id }, cancellationToken: ct));
        var reason = pa is not null ? null
            : deal!.Status is DealStatus.Submitted or DealStatus.ComplianceReview or DealStatus.Returned ? "the deal is not approved yet"
            : deal.NotEligibleReason ?? $"the deal is {deal.Status}";
        return TypedResults.Ok(new Answer(id, deal!.Status, pa is null ? null : AuthorizationView.Of(pa, caller), reason));
    }
}
