using System.Security.Claims;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>A channel manager suspends an active partner (it can no longer register deals); a reason is required.</summary>
public static class SuspendPartner
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/suspend", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Partner>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Suspend an active partner, with a reason");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Outbox outbox,
        TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000);
        if (check.Failed) return check.Problem();
        return await Partners.Move(db, outbox, clock, user, id, [Status.Active], Status.Suspended, "suspended", "suspended", ct, reason: reason,
            announce: (p, caller, now) => new PartnerSuspended
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
