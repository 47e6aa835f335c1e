using System.Security.Claims;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>A channel manager approves an application: the partner becomes active with a tier.</summary>
public static class ApprovePartner
{
    public sealed record Request([property: ValuesFrom(typeof(PartnerTier))] string? Tier);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/approve", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Partner>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Approve an application with a tier");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, Partners partners, CancellationToken ct)
    {
        var check = new Check();
        var tier = check.OneOf("tier", request.Tier, [.. PartnerTier.All]);
        if (check.Failed) return check.Problem();
        return await partners.Change(user, id, (partner, by) => partner.Approve(tier!, by), ct);
    }
}
