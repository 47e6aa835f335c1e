using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Threading.Channels;
using Dapper;
using MassTransit;
using Npgsql;

namespace Channel.Hosting.Messaging;

public sealed class OutboxRelayOptions
{
    public int BatchSize { get; set; } = 500;
    /// <summary>A batch also stops at about this many bytes of message bodies (large events, such as sell-through batches).</summary>
    public long MaxBatchBytes { get; set; } = 4 * 1024 * 1024;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(20);
    public bool Enabled { get; set; } = true;
}

/// <summary>
/// Publishes what the outbox holds. Claims a batch with <c>for update skip locked</c> (so several
/// relays, in one process or many, never take the same rows), publishes every row of it at once so
/// the broker's confirms are pipelined, and deletes in the same transaction only the rows whose
/// publish was confirmed. A crash before the commit leaves the rows to be sent again: delivery is
/// at least once, and the consumers' inbox makes it exactly-once in effect.
/// </summary>
public sealed class OutboxRelay(
    NpgsqlDataSource db, IBus bus, OutboxRelayOptions options, ILogger<OutboxRelay> logger) : BackgroundService
{
    static readonly Meter meter = new("Channel.Outbox");
    static readonly Counter<long> published = meter.CreateCounter<long>("channel.outbox.published");
    static readonly Counter<long> failures = meter.CreateCounter<long>("channel.outbox.publish_failures");

    readonly Channel<bool> wake = System.Threading.Channels.Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // Claims up to BatchSize rows, then keeps the oldest of them whose bodies add up to MaxBatchBytes
    // (always at least one); the rest stay locked only until this batch commits.
    const string Claim = """
        with claimed as (
            select id, body_bytes as size from outbox order by id limit @BatchSize for update skip locked
        ), sized as (
            select id, sum(size) over (order by id) - size as before from claimed
        )
        select o.id, o.message_id, o.message_type, o.body::text as body, o.correlation_id
        from outbox o join sized s on s.id = o.id
        where s.before < @MaxBatchBytes
        order by o.id
        """;
    const string Delete = "delete from outbox where id = any(@Ids)";
    const string Failed = "update outbox set attempts = attempts + 1, last_error = @Error where id = any(@Ids)";

    sealed record Row(long Id, Guid MessageId, string MessageType, string Body, string? CorrelationId);

    /// <summary>Wakes the relay now (a commit in this process, or a notification from another).</summary>
    public void Wake() => wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled) return;
        _ = Task.Run(() => Listen(stoppingToken), stoppingToken);
        var failuresInARow = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RelayBatch(stoppingToken) > 0) { }
                failuresInARow = 0;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                failuresInARow++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(5000, 100 * Math.Pow(2, Math.Min(failuresInARow, 6))));
                logger.LogWarning(e, "outbox relay failed ({Failures} in a row); retrying in {Delay}", failuresInARow, delay);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }
            await WaitForWork(stoppingToken);
        }
    }

    async Task WaitForWork(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.PollInterval);
        try
        {
            await wake.Reader.WaitToReadAsync(timeout.Token);
            wake.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Publishes one batch; returns how many rows it claimed.</summary>
    public async Task<int> RelayBatch(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var rows = (await conn.QueryAsync<Row>(new CommandDefinition(Claim, new { options.BatchSize, options.MaxBatchBytes }, tx, cancellationToken: ct))).AsList();
        if (rows.Count == 0) return 0;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.PublishTimeout);
        var sends = rows.Select(row => Publish(row, timeout.Token)).ToArray();
        try { await Task.WhenAll(sends); }
        catch { /* each task is looked at below */ }

        var confirmed = new List<long>(rows.Count);
        var failed = new List<long>();
        Exception? firstError = null;
        for (var i = 0; i < rows.Count; i++)
        {
            if (sends[i].IsCompletedSuccessfully) confirmed.Add(rows[i].Id);
            else
            {
                failed.Add(rows[i].Id);
                firstError ??= sends[i].Exception?.GetBaseException() ?? new OperationCanceledException("publish timed out");
            }
        }
        if (confirmed.Count > 0)
            await conn.ExecuteAsync(new CommandDefinition(Delete, new { Ids = confirmed.ToArray() }, tx, cancellationToken: CancellationToken.None));
        if (failed.Count > 0)
            await conn.ExecuteAsync(new CommandDefinition(Failed, new { Ids = failed.ToArray(), Error = firstError!.Message }, tx, cancellationToken: CancellationToken.None));
        await tx.CommitAsync(CancellationToken.None);
        published.Add(confirmed.Count);
        if (failed.Count > 0)
        {
            failures.Add(failed.Count);
            throw new InvalidOperationException($"{failed.Count} of {rows.Count} outbox messages were not confirmed", firstError);
        }
        return rows.Count;
    }

    Task Publish(Row row, CancellationToken ct)
    {
        var type = Outbox.Resolve(row.MessageType)
            ?? throw new InvalidOperationException($"outbox message {row.MessageId} has unknown type {row.MessageType}");
        var message = JsonSerializer.Deserialize(row.Body, type, Outbox.Json)!;
        return bus.Publish(message, type, Pipe.Execute<PublishContext>(context =>
        {
            context.MessageId = row.MessageId;
            if (row.CorrelationId is not null) context.Headers.Set(Correlation.Header, row.CorrelationId);
        }), ct);
    }

    async Task Listen(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await db.OpenConnectionAsync(ct);
                conn.Notification += (_, _) => Wake();
                await conn.ExecuteAsync(new CommandDefinition($"listen {Outbox.Channel}", cancellationToken: ct));
                Wake(); // anything committed while nobody listened
                while (!ct.IsCancellationRequested) await conn.WaitAsync(ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogDebug(e, "outbox listener lost its connection; reconnecting");
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (OperationCanceledException) { }
        }
    }
}
