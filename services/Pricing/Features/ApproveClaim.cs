using System.Security.Claims;
using Channel.Hosting.Auth;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>A channel manager approves a claim's accepted credit for payment: only when no line is pending or disputed (else 409).</summary>
public static class ApproveClaim
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/claims/{id:guid}/approve", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Claim>().ProducesProblem(404).ProducesProblem(409).WithSummary("Approve a claim for payment");

    static Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, Ledger ledger, TimeProvider clock, CancellationToken ct) =>
        ledger.ChangeClaim(db, clock, user, id, null, (_, _) => null, (claim, _, caller, now) => claim.Approve(caller, now), null, ct);
}
