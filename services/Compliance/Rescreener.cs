using Channel.Compliance.Screening;
using Dapper;
using Npgsql;

namespace Channel.Compliance;

/// <summary>
/// Screens live subjects again after a list or rule change, in batches: each batch takes queued subjects no other
/// instance holds (skip locked), screens each against the latest versions, saves and announces what changed, and
/// removes them from the queue in one transaction. A change is finished when its queue is empty. A crash loses
/// nothing: what was not committed is still queued.
/// </summary>
public sealed class Rescreener(NpgsqlDataSource db, Decisions decisions, ComplianceSettings settings, TimeProvider clock, ILogger<Rescreener> log)
    : BackgroundService
{
    readonly SemaphoreSlim wake = new(0);

    const string Take = """
        select change_id, kind, subject_id from rescreens
        order by change_id, kind, subject_id
        limit @batch for update skip locked
        """;

    const string Done = "delete from rescreens where change_id = @ChangeId and kind = @Kind and subject_id = @SubjectId";

    const string Count = "update changes set rescreened = rescreened + @n where id = @id";

    const string Finish = """
        update changes set rescreened_at = @now
        where id = any(@ids) and rescreened_at is null and not exists (select 1 from rescreens r where r.change_id = changes.id)
        """;

    const string Trigger = "select kind || ' v' || version from changes where id = @id";

    /// <summary>Rounds run, for tests that wait on the worker.</summary>
    public long Rounds => Interlocked.Read(ref rounds);
    long rounds;

    public void Wake() => wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await Batch(stoppingToken) > 0) { }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "re-screening failed; it is tried again");
            }
            Interlocked.Increment(ref rounds);
            try { await wake.WaitAsync(settings.RescreenPoll, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>One batch; the number of subjects it took.</summary>
    public async Task<int> Batch(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var queued = (await conn.QueryAsync<(Guid ChangeId, string Kind, string SubjectId)>(new CommandDefinition(Take,
            new { batch = settings.RescreenBatch }, tx, cancellationToken: ct))).ToList();
        if (queued.Count == 0) return 0;
        var triggers = new Dictionary<Guid, string>();
        // The latest versions, read once for the batch: every subject in it is screened against them.
        var versions = await Catalog.At(conn, tx, null, ct);
        foreach (var (changeId, kind, subjectId) in queued)
        {
            if (!triggers.TryGetValue(changeId, out var trigger))
                triggers[changeId] = trigger = await conn.QuerySingleAsync<string>(new CommandDefinition(Trigger, new { id = changeId }, tx, cancellationToken: ct));
            if (await Decisions.Lock(tx, kind, subjectId, ct) is { Live: true } subject)
                await decisions.Screen(tx, subject, trigger, changeId, "compliance", announce: false, ct, versions);
            await conn.ExecuteAsync(new CommandDefinition(Done, new { ChangeId = changeId, Kind = kind, SubjectId = subjectId }, tx, cancellationToken: ct));
        }
        foreach (var group in queued.GroupBy(q => q.ChangeId))
            await conn.ExecuteAsync(new CommandDefinition(Count, new { n = group.Count(), id = group.Key }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(Finish, new { now = clock.GetUtcNow(), ids = triggers.Keys.ToArray() }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return queued.Count;
    }
}
