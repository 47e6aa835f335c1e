using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>A channel manager rejects an application (or a held one); a reason is required and kept.</summary>
public static class RejectPartner
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/reject", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Partner>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Reject an application, with a reason");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, Partners partners, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000);
        if (check.Failed) return check.Problem();
        return await partners.Change(user, id, (partner, by) => partner.Reject(reason!, by), ct);
    }
}
