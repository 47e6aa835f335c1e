using Dapper;
using Npgsql;

namespace Channel.Messaging;

/// <summary>
/// Forgets what is kept only for a while: inbox rows older than Inbox:KeepFor (14 days, far longer
/// than any redelivery from retries or _error queues takes) and idempotency keys older than
/// Idempotency:KeepFor (48 hours; a client retries within minutes). Deletes in batches, hourly.
/// </summary>
public sealed class InboxPurge(NpgsqlDataSource db, IConfiguration config, TimeProvider clock, ILogger<InboxPurge> logger) : BackgroundService
{
    const string Inbox = "delete from inbox where ctid in (select ctid from inbox where processed_at < @Before limit 5000)";
    const string Keys = "delete from idempotency_keys where ctid in (select ctid from idempotency_keys where created_at < @Before limit 5000)";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var keepInbox = config.GetValue("Inbox:KeepFor", TimeSpan.FromDays(14));
        var keepKeys = config.GetValue("Idempotency:KeepFor", TimeSpan.FromHours(48));
        var every = config.GetValue("Inbox:PurgeEvery", TimeSpan.FromHours(1));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Purge(clock.GetUtcNow() - keepInbox, stoppingToken);
                await PurgeKeys(clock.GetUtcNow() - keepKeys, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested) { logger.LogWarning(e, "purge failed"); }
            await Task.Delay(every, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public Task<int> Purge(DateTimeOffset before, CancellationToken ct) => Batches(Inbox, before, ct);

    public Task<int> PurgeKeys(DateTimeOffset before, CancellationToken ct) => Batches(Keys, before, ct);

    async Task<int> Batches(string sql, DateTimeOffset before, CancellationToken ct)
    {
        var total = 0;
        await using var conn = await db.OpenConnectionAsync(ct);
        int deleted;
        do
        {
            deleted = await conn.ExecuteAsync(new CommandDefinition(sql, new { Before = before }, cancellationToken: ct));
            total += deleted;
        }
        while (deleted == 5000);
        return total;
    }
}
