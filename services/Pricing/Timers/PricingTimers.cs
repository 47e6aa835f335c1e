using Channel.Contracts.Pricing;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Pricing.Timers;

/// <summary>
/// Background work on the clock: PAs whose validity ended expire, and claim lines that waited longer than
/// <see cref="PricingRules.SellThroughWaitDays"/> for their sell-through are rejected (<c>no_sell_through</c>). Each pass
/// claims rows with <c>for no key update skip locked</c> and changes only rows still in the state it looked for, so any
/// number of instances can run it and each row is handled once.
/// </summary>
public sealed class PricingTimers(NpgsqlDataSource db, Ledger ledger, ClaimDecisions decisions, PricingRules rules, TimeProvider clock,
    ILogger<PricingTimers> logger) : BackgroundService
{
    const int Batch = 200;
    long rounds;

    /// <summary>How many rounds (every due expiry and timeout handled) this instance has finished.</summary>
    public long Rounds => Interlocked.Read(ref rounds);

    const string ClaimExpired = $"""
        select {Ledger.WithLines} from authorizations a
        where a.status in ('{PriceAuthorizationStatus.PendingApproval}', '{PriceAuthorizationStatus.Active}', '{PriceAuthorizationStatus.Suspended}') and a.valid_until <= @Now
        order by a.valid_until limit @Batch
        for no key update of a skip locked
        """;

    const string ClaimWaiting = """
        select * from claims where pending_lines > 0 and received_at <= @Cutoff
        order by received_at limit @Batch
        for no key update skip locked
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await ExpireAuthorizations(stoppingToken) == Batch) { }
                while (await TimeOutPendingLines(stoppingToken) == Batch) { }
                Interlocked.Increment(ref rounds);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "pricing timers failed; trying again next round");
            }
            await Task.Delay(rules.TimerInterval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async Task<int> ExpireAuthorizations(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var due = (await conn.QueryAsync<PriceAuthorization>(new CommandDefinition(ClaimExpired, new { Now = now, Batch }, tx, cancellationToken: ct))).AsList();
        foreach (var pa in due)
            if (pa.Expire(now) is Moved<PriceAuthorization> move)
                await ledger.Commit(tx, pa, move, "timer", now, ct);
        await tx.CommitAsync(ct);
        return due.Count;
    }

    public async Task<int> TimeOutPendingLines(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var due = (await conn.QueryAsync<Claim>(new CommandDefinition(ClaimWaiting,
            new { Cutoff = now.AddDays(-rules.SellThroughWaitDays), Batch }, tx, cancellationToken: ct))).AsList();
        foreach (var claim in due) await decisions.TimeOut(tx, claim, now, ct);
        await tx.CommitAsync(ct);
        return due.Count;
    }
}
