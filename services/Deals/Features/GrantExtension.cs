using System.Security.Claims;
using Channel.Deals.Rules;
using Channel.Hosting.Auth;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>A channel manager grants a pending extension request: protection runs Deals:ExtensionDays longer.</summary>
public static class GrantExtension
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/extension", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Deal>().ProducesProblem(404).ProducesProblem(409).WithSummary("Grant a requested extension");

    static Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, Deals deals, DealRules rules, TimeProvider clock,
        CancellationToken ct) =>
        deals.Change(db, clock, user, id, (_, _) => null, (deal, by, _) => deal.GrantExtension(by, rules.ExtensionDays), ct);
}
