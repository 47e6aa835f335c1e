using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>A channel manager ends a partnership from any live state; terminated is final.</summary>
public static class TerminatePartner
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/terminate", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Partner>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Terminate a partner, with a reason");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, Partners partners, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000);
        if (check.Failed) return check.Problem();
        return await partners.Change(user, id, (partner, by) => partner.Terminate(reason!, by), ct);
    }
}
