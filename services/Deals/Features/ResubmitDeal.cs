using System.Security.Claims;
using Channel.Contracts.Deals;
using Channel.Deals.Rules;
using Channel.Hosting.Auth;
using Channel.Messaging;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>
/// The registrant resubmits a returned registration: the rules of registration are checked again
/// (an active partner, an authorized distributor), it is screened and checked for conflicts again,
/// and its approval SLA starts over.
/// </summary>
public static class ResubmitDeal
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/resubmit", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Deal>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).WithSummary("Resubmit a returned deal");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, Deals deals, DealRules rules,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var deal = await Deals.Lock(tx, id, ct);
        if (deal is null || !await Deals.MaySee(conn, tx, caller, deal, ct)) return Deals.NotFound(id);
        if (!Deals.IsRegistrant(caller, deal)) return TypedResults.Forbid();
        var sla = DealRules.AddBusinessDays(now, rules.ApprovalSlaBusinessDays);
        if (deal.Resubmit(sla, 0, caller) is Refused<Deal> refused) return refused.Problem();
        if (await RegisterDeal.MayRegister(tx, deal.PartnerId, deal.DistributorId, deal.CustomerRegion, ct) is { } refusal) return refusal;
        var conflicts = await Conflicts.Find(tx, deal, DealStatus.Open, ct, ownToo: true);
        var saved = await deals.Commit(tx, deal, (Moved<Deal>)deal.Resubmit(sla, conflicts.Count, caller), caller.Subject, now, ct);
        await Conflicts.Record(tx, deal.Id, conflicts, "resubmission", now, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(saved);
    }
}
