using Channel.Contracts.Deals;
using Channel.Deals.Rules;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Deals.Timers;

/// <summary>
/// Background work on the clock: approved deals whose protection has run out expire, and deals
/// waiting past their approval SLA are marked overdue (DealApprovalOverdue). Each pass claims rows
/// with <c>for no key update skip locked</c> and changes only rows still in the state it looked for, so any
/// number of instances can run it and each deal is handled once.
/// </summary>
public sealed class DealTimers(NpgsqlDataSource db, Deals deals, DealRules rules, TimeProvider clock, ILogger<DealTimers> logger)
    : BackgroundService
{
    const int Batch = 500;
    long rounds;

    /// <summary>How many rounds (every due expiry and overdue deal handled) this instance has finished.</summary>
    public long Rounds => Interlocked.Read(ref rounds);

    const string ClaimExpired = $"""
        select {Deals.WithLines} from deals d
        where d.status = '{DealStatus.Approved}' and d.protection_ends_at <= @Now
        order by d.protection_ends_at limit @Batch
        for no key update of d skip locked
        """;

    const string ClaimOverdue = $"""
        select {Deals.WithLines} from deals d
        where d.status in ('{DealStatus.Submitted}', '{DealStatus.ComplianceReview}') and not d.overdue and d.sla_due_at <= @Now
        order by d.sla_due_at limit @Batch
        for no key update of d skip locked
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await ExpireProtection(stoppingToken) == Batch) { }
                while (await RaiseOverdue(stoppingToken) == Batch) { }
                Interlocked.Increment(ref rounds);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "deal timers failed; trying again next round");
            }
            await Task.Delay(rules.TimerInterval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public Task<int> ExpireProtection(CancellationToken ct) => Pass(ClaimExpired, (deal, now) => deal.Expire(now), ct);

    public Task<int> RaiseOverdue(CancellationToken ct) => Pass(ClaimOverdue, (deal, now) => deal.MarkOverdue(now), ct);

    /// <summary>Claims the deals due, applies the transition to each and commits them together; returns how many it claimed.</summary>
    async Task<int> Pass(string claim, Func<Deal, DateTimeOffset, Outcome<Deal>> transition, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var due = (await conn.QueryAsync<Deal>(new CommandDefinition(claim, new { Now = now, Batch }, tx, cancellationToken: ct))).AsList();
        foreach (var deal in due)
            if (transition(deal, now) is Moved<Deal> move)
                await deals.Commit(tx, deal, move, "timer", now, ct);
        await tx.CommitAsync(ct);
        return due.Count;
    }
}
