using System.Security.Claims;
using Channel.Contracts.Deals;
using Channel.Deals.Rules;
using Channel.Hosting.Auth;
using Channel.Messaging;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>
/// A channel manager approves a registration: its protection period starts. Refused with 409 when
/// the opportunity already has an approved registration (another partner's, or the same partner's
/// own earlier one); the conflicts with registrations still waiting are kept as evidence.
/// </summary>
public static class ApproveDeal
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/approve", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Deal>().ProducesProblem(404).ProducesProblem(409).WithSummary("Approve a deal registration");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, Deals deals, DealRules rules,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var deal = await Deals.Lock(tx, id, ct);
        if (deal is null) return Deals.NotFound(id);
        if (deal.Approve(caller, now, rules.ProtectionDays, 0) is Refused<Deal> refused) return refused.Problem();

        await Conflicts.LockOpportunity(tx, deal, ct);
        var approved = await Conflicts.Find(tx, deal, [DealStatus.Approved], ct, ownToo: true);
        if (approved.Count > 0)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "The opportunity already has an approved registration.",
                detail: $"Deal {approved[0].OtherDealId} is approved for the same end customer ({approved[0].Rule}) " +
                        $"with {string.Join(", ", approved[0].SharedFamilies)} in common.",
                extensions: new Dictionary<string, object?>
                {
                    ["currentStatus"] = deal.Status,
                    ["conflicts"] = approved.Select(c => new { c.OtherDealId, c.OtherPartnerId, c.Rule, c.SharedFamilies }),
                });
        var waiting = await Conflicts.Find(tx, deal, DealStatus.AwaitingDecision, ct, ownToo: true);
        await Conflicts.Record(tx, deal.Id, waiting, "approval", now, ct);
        var saved = await deals.Commit(tx, deal, (Moved<Deal>)deal.Approve(caller, now, rules.ProtectionDays, waiting.Count), caller.Subject, now, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(saved);
    }
}
