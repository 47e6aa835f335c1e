using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>
/// A channel manager withdraws a live PA with a reason. Sales invoiced before the revocation may still be claimed;
/// later ones are refused (<c>authorization_not_active</c>).
/// </summary>
public static class RevokeAuthorization
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/authorizations/{id:guid}/revoke", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<AuthorizationView>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Revoke a price authorization");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Ledger ledger, TimeProvider clock,
        CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000);
        if (check.Failed) return check.Problem();
        return await ledger.Change(db, clock, user, id, (_, _) => null, (pa, caller, now) => pa.Revoke(reason!, caller.Subject, now), ct);
    }
}
