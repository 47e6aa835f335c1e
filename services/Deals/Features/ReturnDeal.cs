using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>A channel manager sends a registration back for more information; the registrant edits and resubmits it.</summary>
public static class ReturnDeal
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/return", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Deal>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409).WithSummary("Return a deal for more information");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Deals deals, TimeProvider clock,
        CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000);
        if (check.Failed) return check.Problem();
        return await deals.Change(db, clock, user, id, (_, _) => null, (deal, by, _) => deal.Return(reason!, by), ct);
    }
}
