using System.Security.Claims;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>Only a channel manager can clear a compliance hold (after checking the restricted-party match was
/// a false positive); the application goes back to the review queue. The reason is kept in the audit.</summary>
public static class ClearComplianceHold
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/clear-hold", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Partner>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Clear a compliance hold, with the reason it was a false match");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Outbox outbox,
        TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000);
        if (check.Failed) return check.Problem();
        return await Partners.Move(db, outbox, clock, user, id, [Status.OnHold], Status.Applied, "hold_cleared", "cleared of a hold", ct, reason: reason,
            announce: (p, caller, now) => new PartnerHoldCleared
            {
                PartnerId = id,
                Version = p.Version,
                OccurredAt = now,
                LegalName = p.LegalName,
                Country = p.Country,
                Region = p.Region,
                Status = p.Status,
                Tier = p.Tier,
                Actor = caller.Subject,
            });
    }
}
