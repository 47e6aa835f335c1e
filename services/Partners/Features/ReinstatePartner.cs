using System.Security.Claims;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>A channel manager reinstates a suspended partner: active again, with the tier it had.</summary>
public static class ReinstatePartner
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/reinstate", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Partner>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Reinstate a suspended partner");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Outbox outbox,
        TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000, required: false);
        if (check.Failed) return check.Problem();
        return await Partners.Move(db, outbox, clock, user, id, [Status.Suspended], Status.Active, "reinstated", "reinstated", ct, reason: reason,
            announce: (p, caller, now) => new PartnerReinstated
            {
                PartnerId = id,
                Version = p.Version,
                OccurredAt = now,
                LegalName = p.LegalName,
                Country = p.Country,
                Region = p.Region,
                Status = p.Status,
                Tier = p.Tier,
                Reason = reason,
                Actor = caller.Subject,
            });
    }
}
