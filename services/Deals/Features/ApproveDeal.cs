using System.Security.Claims;
using Channel.Contracts.Deals;
using Channel.Deals.Rules;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>
/// A channel manager approves a registration: its protection period starts. Refused with 409 when
/// another partner already holds an approved registration for the same opportunity; the conflicts
/// with registrations still waiting are kept as evidence.
/// </summary>
public static class ApproveDeal
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/approve", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Deal>().ProducesProblem(404).ProducesProblem(409).WithSummary("Approve a deal registration");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, Outbox outbox, DealRules rules,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var deal = await Deals.Lock(tx, id, ct);
        if (deal is null) return Deals.NotFound(id);
        if (!Status.AwaitingDecision.Contains(deal.Status)) return Deals.WrongState(deal, "approved");

        await Conflicts.LockOpportunity(tx, deal, ct);
        var approved = await Conflicts.Find(tx, deal, [Status.Approved], ct);
        if (approved.Count > 0)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "Another partner already holds an approved registration for this opportunity.",
                detail: $"Deal {approved[0].OtherDealId} is approved for the same end customer ({approved[0].Rule}) " +
                        $"with {string.Join(", ", approved[0].SharedFamilies)} in common.",
                extensions: new Dictionary<string, object?>
                {
                    ["currentStatus"] = deal.Status,
                    ["conflicts"] = approved.Select(c => new { c.OtherDealId, c.OtherPartnerId, c.Rule, c.SharedFamilies }),
                });
        var waiting = await Conflicts.Find(tx, deal, Status.AwaitingDecision, ct);
        await Conflicts.Record(tx, deal.Id, waiting, "approval", now, ct);

        deal.Status = Status.Approved;
        deal.ApprovedAt = now;
        deal.ProtectionEndsAt = now.AddDays(rules.ProtectionDays);
        await Deals.Save(tx, deal, now, ct);
        await Deals.History(tx, deal, "approved", caller.Subject, null,
            new { status = deal.Status, protectionEndsAt = deal.ProtectionEndsAt, openConflicts = waiting.Count }, now, ct);
        await outbox.Add(tx, new DealApproved { DealId = id, Version = deal.Version, OccurredAt = now, Actor = caller.Subject, Deal = deal.State() }, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(deal);
    }
}
