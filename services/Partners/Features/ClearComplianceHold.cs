using System.Security.Claims;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>
/// Only a channel manager can clear a compliance hold (after checking the restricted-party match was
/// a false positive); the application goes back to the review queue. The reason is kept in the audit.
/// </summary>
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

        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var partner = await Partners.Transition(tx, id, [Status.OnHold], Status.Applied, now, ct);
        if (partner is null) return await Partners.NotFoundOrWrongState(tx, id, "cleared of a hold", ct);
        await Partners.Audit(tx, partner, "hold_cleared", caller, reason, new { status = Status.Applied }, now, ct);
        await outbox.Add(tx, new PartnerHoldCleared
        {
            PartnerId = id,
            Version = partner.Version,
            OccurredAt = now,
            LegalName = partner.LegalName,
            Country = partner.Country,
            Region = partner.Region,
            Status = partner.Status,
            Tier = partner.Tier,
            Actor = caller.Subject,
        }, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(partner);
    }
}
