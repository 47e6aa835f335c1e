using Channel.Contracts.Deals;
using Channel.Deals.Rules;
using Channel.Hosting.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Deals.Timers;

/// <summary>
/// Background work on the clock: approved deals whose protection has run out expire, and deals
/// waiting past their approval SLA are marked overdue (DealApprovalOverdue). Each pass claims rows
/// with <c>for no key update skip locked</c> and changes only rows still in the state it looked for, so any
/// number of instances can run it and each deal is handled once.
/// </summary>
public sealed class DealTimers(NpgsqlDataSource db, Outbox outbox, DealRules rules, TimeProvider clock, ILogger<DealTimers> logger)
    : BackgroundService
{
    const int Batch = 500;

    const string ClaimExpired = $"""
        select {Deals.Columns} from deals
        where status = 'approved' and protection_ends_at <= @Now
        order by protection_ends_at limit @Batch
        for no key update skip locked
        """;

    const string ClaimOverdue = $"""
        select {Deals.Columns} from deals
        where status in ('submitted', 'compliance_review') and not overdue and sla_due_at <= @Now
        order by sla_due_at limit @Batch
        for no key update skip locked
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await ExpireProtection(stoppingToken) == Batch) { }
                while (await RaiseOverdue(stoppingToken) == Batch) { }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "deal timers failed; trying again next round");
            }
            await Task.Delay(rules.TimerInterval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async Task<int> ExpireProtection(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var due = (await conn.QueryAsync<Deal>(new CommandDefinition(ClaimExpired, new { Now = now, Batch }, tx, cancellationToken: ct))).AsList();
        foreach (var deal in due)
        {
            deal.Status = Status.Expired;
            deal.ClosedAt = now;
            await Deals.Save(tx, deal, now, ct);
            await Deals.History(tx, deal, "expired", "timer", null, new { protectionEndedAt = deal.ProtectionEndsAt }, now, ct);
            await outbox.Add(tx, new DealExpired { DealId = deal.Id, Version = deal.Version, OccurredAt = now, Deal = deal.State() }, ct);
        }
        await tx.CommitAsync(ct);
        return due.Count;
    }

    public async Task<int> RaiseOverdue(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var due = (await conn.QueryAsync<Deal>(new CommandDefinition(ClaimOverdue, new { Now = now, Batch }, tx, cancellationToken: ct))).AsList();
        foreach (var deal in due)
        {
            deal.Overdue = true;
            await Deals.Save(tx, deal, now, ct);
            await Deals.History(tx, deal, "approval_overdue", "timer", null, new { slaDueAt = deal.SlaDueAt }, now, ct);
            await outbox.Add(tx, new DealApprovalOverdue { DealId = deal.Id, Version = deal.Version, OccurredAt = now, Deal = deal.State() }, ct);
        }
        await tx.CommitAsync(ct);
        return due.Count;
    }
}
