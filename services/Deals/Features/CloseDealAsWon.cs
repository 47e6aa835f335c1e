using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>The registrant (or a channel manager) closes an approved deal as won, with the amount actually sold.</summary>
public static class CloseDealAsWon
{
    public sealed record Request(decimal? ActualAmount);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/won", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Deal>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Close an approved deal as won");

    static Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Deals deals, TimeProvider clock,
        CancellationToken ct)
    {
        var check = new Check();
        var amount = check.Range("actualAmount", request.ActualAmount, 0.01m, 1_000_000_000_000m);
        return deals.Change(db, clock, user, id,
            (deal, by) => Deals.RegistrantOrManager(deal, by) ?? (check.Failed ? check.Problem() : null),
            (deal, by, now) => deal.Win(amount!.Value, by.IsManager ? "channel-manager" : "registrant", by.Subject, now), ct);
    }
}
