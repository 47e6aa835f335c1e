using System.Security.Claims;
using Channel.Hosting.Auth;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>
/// A second channel manager approves a PA whose discount is above the threshold (<c>pending_approval</c> → <c>active</c>).
/// The manager who approved the deal may not (403): two people see every deep discount.
/// </summary>
public static class ApproveAuthorization
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/authorizations/{id:guid}/approve", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<AuthorizationView>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Approve a price authorization above the discount threshold (a second approver)");

    static Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, Ledger ledger, TimeProvider clock, CancellationToken ct) =>
        ledger.Change(db, clock, user, id,
            (pa, caller) => pa.DealApprover is not null && pa.DealApprover == caller.Subject
                ? TypedResults.Problem(statusCode: 403, title: "A second approver is needed.",
                    detail: "The manager who approved the deal cannot also approve its price: another channel manager must.")
                : null,
            (pa, caller, _) => pa.Approve(caller), ct);
}
