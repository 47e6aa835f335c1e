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

        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var partner = await Partners.Transition(tx, id, [Status.Active], Status.Suspended, now, ct, reason: reason);
        if (partner is null) return await Partners.NotFoundOrWrongState(tx, id, "suspended", ct);
        await Partners.Audit(tx, partner, "suspended", caller, reason, new { status = Status.Suspended }, now, ct);
        await outbox.Add(tx, new PartnerSuspended
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
