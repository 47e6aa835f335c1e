using System.Security.Claims;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>A channel manager rejects an application (also one on compliance hold); a reason is required.</summary>
public static class RejectPartner
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/reject", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Partner>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Reject an application, with a reason");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Outbox outbox,
        TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000);
        if (check.Failed) return check.Problem();
        return await Partners.Move(db, outbox, clock, user, id, [Status.Applied, Status.OnHold], Status.Rejected, "rejected", "rejected", ct, reason: reason,
            announce: (p, caller, now) => new PartnerRejected
            {
                PartnerId = id,
                Version = p.Version,
                OccurredAt = now,
                LegalName = p.LegalName,
                Country = p.Country,
                Region = p.Region,
                Status = p.Status,
                Tier = p.Tier,
                Reason = reason!,
                Actor = caller.Subject,
            });
    }
}
