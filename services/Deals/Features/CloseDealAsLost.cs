using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>The registrant (or a channel manager) closes an approved deal as lost, saying why.</summary>
public static class CloseDealAsLost
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/lost", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Deal>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Close an approved deal as lost");

    static Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Deals deals, TimeProvider clock,
        CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000);
        return deals.Change(db, clock, user, id,
            (deal, by) => Deals.RegistrantOrManager(deal, by) ?? (check.Failed ? check.Problem() : null),
            (deal, by, now) => deal.Lose(reason!, by, now), ct);
    }
}
