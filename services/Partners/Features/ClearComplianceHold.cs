using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>Only a channel manager can clear a compliance hold (after checking the restricted-party match was a false positive); the application goes back to the review queue. The reason is kept in the audit.</summary>
public static class ClearComplianceHold
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/clear-hold", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Partner>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Clear a compliance hold, with the reason it was a false match");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, Partners partners, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000);
        if (check.Failed) return check.Problem();
        return await partners.Change(user, id, (partner, by) => partner.ClearHold(reason!, by), ct);
    }
}
