using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>A channel manager suspends an active partner (it can no longer register deals, and its distributor authorizations end); a reason is required.</summary>
public static class SuspendPartner
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/suspend", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Partner>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Suspend an active partner, with a reason");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, Partners partners, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000);
        if (check.Failed) return check.Problem();
        return await partners.Change(user, id, (partner, by) => partner.Suspend(reason!, by), ct);
    }
}
