using System.Security.Claims;
using Channel.Contracts.Deals;
using Channel.Deals.Rules;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>
/// The registrant resubmits a returned registration: it is screened and checked for conflicts again
/// and its approval SLA starts over.
/// </summary>
public static class ResubmitDeal
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/resubmit", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Deal>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).WithSummary("Resubmit a returned deal");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, Outbox outbox, DealRules rules,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var deal = await Deals.Lock(tx, id, ct);
        if (deal is null || !await Deals.MaySee(conn, tx, caller, deal, ct)) return Deals.NotFound(id);
        if (!Deals.IsRegistrant(caller, deal)) return TypedResults.Forbid();
        if (deal.Status != Status.Returned) return Deals.WrongState(deal, "resubmitted");

        var concern = rules.ComplianceConcern(deal.CustomerName, deal.CustomerDomain, deal.CustomerCountry, deal.CustomerSector);
        deal.Status = concern is null ? Status.Submitted : Status.ComplianceReview;
        deal.ComplianceReason = concern;
        deal.StatusReason = null;
        deal.Overdue = false;
        deal.SlaDueAt = DealRules.AddBusinessDays(now, rules.ApprovalSlaBusinessDays);
        await Deals.Save(tx, deal, now, ct);
        var conflicts = await Conflicts.Find(tx, deal, Status.Open, ct);
        await Conflicts.Record(tx, deal.Id, conflicts, "resubmission", now, ct);
        await Deals.History(tx, deal, "resubmitted", caller.Subject, null, new { status = deal.Status, conflicts = conflicts.Count }, now, ct);
        await outbox.Add(tx, new DealResubmitted { DealId = id, Version = deal.Version, OccurredAt = now, Actor = caller.Subject, Deal = deal.State() }, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(deal);
    }
}
