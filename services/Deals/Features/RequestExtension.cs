using System.Security.Claims;
using Channel.Deals.Rules;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>
/// Before its protection ends, the registrant of an approved deal asks for more time (at most
/// Deals:MaxExtensions times); a channel manager grants it. The request is announced
/// (DealExtensionRequested), so the managers' queue and the registrant's notifications see it.
/// </summary>
public static class RequestExtension
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/extension-request", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Deal>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Ask for an extension of a deal's protection");

    static Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Deals deals, DealRules rules,
        TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000);
        return deals.Change(db, clock, user, id,
            (deal, by) => Deals.RegistrantOnly(deal, by) ?? (check.Failed ? check.Problem() : null),
            (deal, by, now) => deal.RequestExtension(reason!, by, now, rules.MaxExtensions), ct);
    }
}
