using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>A channel manager reinstates a suspended partner: active again, with the tier it had (its distributor authorizations are not restored).</summary>
public static class ReinstatePartner
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/reinstate", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Partner>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Reinstate a suspended partner");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, Partners partners, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000, required: false);
        if (check.Failed) return check.Problem();
        return await partners.Change(user, id, (partner, by) => partner.Reinstate(reason, by), ct);
    }
}
