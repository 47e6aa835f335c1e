using Dapper;
using Npgsql;

namespace Channel.Hosting.Messaging;

/// <summary>
/// Forgets inbox rows older than Inbox:KeepFor (default 14 days): far longer than any redelivery
/// (retries, requeues from _error) takes, so the table stays small. Deletes in batches.
/// </summary>
public sealed class InboxPurge(NpgsqlDataSource db, IConfiguration config, TimeProvider clock, ILogger<InboxPurge> logger) : BackgroundService
{
    const string Sql = """
        delete from inbox where ctid in (select ctid from inbox where processed_at < @Before limit 5000)
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var keep = config.GetValue("Inbox:KeepFor", TimeSpan.FromDays(14));
        var every = config.GetValue("Inbox:PurgeEvery", TimeSpan.FromHours(1));
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await Purge(clock.GetUtcNow() - keep, stoppingToken); }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested) { logger.LogWarning(e, "inbox purge failed"); }
            await Task.Delay(every, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async Task<int> Purge(DateTimeOffset before, CancellationToken ct)
    {
        var total = 0;
        await using var conn = await db.OpenConnectionAsync(ct);
        int deleted;
        do
        {
            deleted = await conn.ExecuteAsync(new CommandDefinition(Sql, new { Before = before }, cancellationToken: ct));
            total += deleted;
        }
        while (deleted == 5000);
        return total;
    }
}
