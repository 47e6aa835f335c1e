using System.Security.Claims;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>A channel manager moves an active or suspended partner to another tier, saying why.</summary>
public static class ChangePartnerTier
{
    public sealed record Request([property: ValuesFrom(typeof(PartnerTier))] string? Tier, string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/tier", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Partner>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Change a partner's tier, with a reason");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, Partners partners, CancellationToken ct)
    {
        var check = new Check();
        var tier = check.OneOf("tier", request.Tier, [.. PartnerTier.All]);
        var reason = check.Note("reason", request.Reason, 2000);
        if (check.Failed) return check.Problem();
        return await partners.Change(user, id, (partner, by) => partner.ChangeTier(tier!, reason!, by), ct);
    }
}
