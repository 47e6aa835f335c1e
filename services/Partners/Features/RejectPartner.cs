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

        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var partner = await Partners.Transition(tx, id, [Status.Applied, Status.OnHold], Status.Rejected, now, ct, reason: reason);
        if (partner is null) return await Partners.NotFoundOrWrongState(tx, id, "rejected", ct);
        await Partners.Audit(tx, partner, "rejected", caller, reason, new { status = Status.Rejected }, now, ct);
        await outbox.Add(tx, new PartnerRejected
        {
            PartnerId = id,
            Version = partner.Version,
            OccurredAt = now,
            LegalName = partner.LegalName,
            Country = partner.Country,
            Region = partner.Region,
            Status = partner.Status,
            Tier = partner.Tier,
            Reason = reason!,
            Actor = caller.Subject,
        }, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(partner);
    }
}
