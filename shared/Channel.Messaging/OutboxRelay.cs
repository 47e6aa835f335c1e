using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Channel.Hosting;
using Dapper;
using MassTransit;
using Npgsql;

namespace Channel.Messaging;

public sealed class OutboxRelayOptions
{
    public int BatchSize { get; set; } = 500;
    /// <summary>A batch also stops at about this many bytes of message bodies (large events, such as sell-through batches).</summary>
    public long MaxBatchBytes { get; set; } = 4 * 1024 * 1024;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(20);
    /// <summary>Attempts a row gets when the row itself is at fault (unknown type, unreadable body, nowhere to go) before it is set aside.</summary>
    public int MaxAttempts { get; set; } = 10;
    /// <summary>The longest wait between two attempts at such a row (the wait doubles from one second).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Readiness reports the service degraded when the oldest waiting event is older than this.</summary>
    public TimeSpan DegradedAfter { get; set; } = TimeSpan.FromSeconds(60);
    public bool Enabled { get; set; } = true;
}

/// <summary>
/// Publishes what the outbox holds. Claims a batch with <c>for update skip locked</c> (so several
/// relays, in one process or many, never take the same rows), publishes every row of it at once so
/// the broker's confirms are pipelined, and deletes in the same transaction only the rows whose
/// publish was confirmed. A crash before the commit leaves the rows to be sent again: delivery is
/// at least once, and the consumers' inbox makes it exactly-once in effect.
/// <para>
/// Publishes are mandatory: a message no queue is bound to comes back, and counts as a failure of
/// that row. A row at fault (its type unknown to this process, its body unreadable, returned) waits
/// a growing delay before its next attempt, so the rows behind it go on, and after
/// <see cref="OutboxRelayOptions.MaxAttempts"/> it is set aside in <c>outbox_dead_letters</c>.
/// When the broker itself fails (down, blocked, slow to confirm) no row is blamed: the relay waits
/// and tries the batch again. On shutdown the batch in flight is finished, not abandoned.
/// </para>
/// <para>
/// The relay publishes only while every receive endpoint of this process is connected. An endpoint
/// declares its queue and binds it as it connects, one after another; a publish in between reaches
/// the queues already bound and is confirmed (mandatory only asks for one queue), so the readers
/// whose queues came later would never see it. That happens to a service that starts while the
/// broker is away, and after a broker that lost its definitions comes back.
/// </para>
/// </summary>
public sealed class OutboxRelay(
    NpgsqlDataSource db, IBusControl bus, OutboxRelayOptions options, ILogger<OutboxRelay> logger) : BackgroundService
{
    static readonly Meter meter = new("Channel.Outbox");
    static readonly Counter<long> published = meter.CreateCounter<long>("channel.outbox.published");
    static readonly Counter<long> failures = meter.CreateCounter<long>("channel.outbox.publish_failures");
    static readonly Counter<long> setAside = meter.CreateCounter<long>("channel.outbox.set_aside");

    /// <summary>Whose outbox (each batch's count is tagged with it: one measurement per batch).</summary>
    readonly string database = new NpgsqlConnectionStringBuilder(db.ConnectionString).Database ?? "";

    readonly Channel<bool> wake = System.Threading.Channels.Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // Claims up to BatchSize rows that are due, then keeps the oldest of them whose bodies add up to
    // MaxBatchBytes (always at least one); the rest stay locked only until this batch commits.
    const string Claim = """
        with claimed as (
            select id, body_bytes as size from outbox
            where next_attempt_at is null or next_attempt_at <= now()
            order by id limit @BatchSize for update skip locked
        ), sized as (
            select id, sum(size) over (order by id) - size as before from claimed
        )
        select o.id, o.message_id, o.message_type, o.body::text as body, o.correlation_id, o.attempts
        from outbox o join sized s on s.id = o.id
        where s.before < @MaxBatchBytes
        order by o.id
        """;
    const string Delete = "delete from outbox where id = any(@Ids)";
    const string Blame = """
        update outbox set attempts = attempts + 1, last_error = @Error,
            next_attempt_at = now() + make_interval(secs => least(@MaxDelay, power(2, attempts)))
        where id = @Id
        """;
    const string TransportFailed = "update outbox set last_error = @Error where id = any(@Ids)";
    const string SetAside = """
        with moved as (delete from outbox where id = @Id returning *)
        insert into outbox_dead_letters (id, message_id, message_type, body, body_bytes, correlation_id, created_at, attempts, last_error)
        select id, message_id, message_type, body, body_bytes, correlation_id, created_at, attempts + 1, @Error from moved
        """;

    sealed record Row(long Id, Guid MessageId, string MessageType, string Body, string? CorrelationId, int Attempts);

    /// <summary>Wakes the relay now (a commit in this process, or a notification from another).</summary>
    public void Wake() => wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled) return;
        _ = Task.Run(() => Listen(stoppingToken), stoppingToken);
        var failuresInARow = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!await BusReady(stoppingToken))
            {
                await RefreshGauges(stoppingToken);
                continue;
            }
            try
            {
                while (!stoppingToken.IsCancellationRequested && await RelayBatch(stoppingToken) > 0) { }
                failuresInARow = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                failuresInARow++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(5000, 100 * Math.Pow(2, Math.Min(failuresInARow, 6))));
                logger.LogWarning(e, "outbox relay failed ({Failures} in a row); retrying in {Delay}", failuresInARow, delay);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }
            await WaitForWork(stoppingToken);
            await RefreshGauges(stoppingToken);
        }
    }

    volatile bool holding;

    /// <summary>Whether the relay is holding its events back because a receive endpoint is not connected.</summary>
    public bool Holding => holding;

    /// <summary>True when every receive endpoint is connected; otherwise waits a moment and says false.</summary>
    async Task<bool> BusReady(CancellationToken ct)
    {
        var health = bus.CheckHealth();
        if (health.Status == BusHealthStatus.Healthy)
        {
            if (holding) logger.LogInformation("every receive endpoint is connected; the outbox relay publishes again");
            holding = false;
            return true;
        }
        if (!holding)
            logger.LogWarning("the outbox relay holds its events until every receive endpoint is connected ({Description})", health.Description);
        holding = true;
        await Task.Delay(TimeSpan.FromMilliseconds(250), ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return false;
    }

    DateTime gaugesAt;

    /// <summary>The oldest event's age and the dead letters, as metrics, every few seconds.</summary>
    async Task RefreshGauges(CancellationToken ct)
    {
        if (DateTime.UtcNow - gaugesAt < TimeSpan.FromSeconds(5)) return;
        gaugesAt = DateTime.UtcNow;
        try { await OutboxAdmin.Summarise(db, ct); }
        catch (Exception e) when (e is NpgsqlException or TimeoutException) { }
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

    /// <summary>
    /// Publishes one batch; returns how many rows it published or set aside. Throws when the broker
    /// failed some of them (they stay, unblamed, for the next attempt). <paramref name="ct"/> stops
    /// the relay from claiming; a claimed batch is finished within the publish timeout whatever happens.
    /// </summary>
    public async Task<int> RelayBatch(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var rows = (await conn.QueryAsync<Row>(new CommandDefinition(Claim, new { options.BatchSize, options.MaxBatchBytes }, tx, cancellationToken: ct))).AsList();
        if (rows.Count == 0) return 0;

        using var timeout = new CancellationTokenSource(options.PublishTimeout);
        var sends = rows.Select(row => Publish(row, timeout.Token)).ToArray();
        // Bounded by the clock too: a publish caught in a connection the broker killed may never see its
        // token, and a batch that waited for it would keep its rows locked for good. A row whose publish
        // has not finished by then is a transport failure: it stays, unblamed, and goes again (a late
        // confirm of the first copy makes a duplicate, which the readers' inboxes absorb).
        var all = Task.WhenAll(sends);
        await Task.WhenAny(all, Task.Delay(options.PublishTimeout + TimeSpan.FromSeconds(5), CancellationToken.None));
        _ = all.ContinueWith(t => _ = t.Exception, TaskScheduler.Default); // observed, whenever it ends

        var confirmed = new List<long>(rows.Count);
        var transport = new List<long>();
        Exception? transportError = null;
        var done = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (sends[i].IsCompletedSuccessfully) { confirmed.Add(row.Id); continue; }
            var error = sends[i].Exception?.GetBaseException() ?? new TimeoutException("the broker did not confirm the publish in time");
            if (!RowAtFault(error))
            {
                transport.Add(row.Id);
                transportError ??= error;
                continue;
            }
            var reason = Describe(error);
            if (row.Attempts + 1 >= options.MaxAttempts)
            {
                await conn.ExecuteAsync(new CommandDefinition(SetAside, new { row.Id, Error = reason }, tx, cancellationToken: CancellationToken.None));
                logger.LogError("outbox message {MessageId} ({MessageType}) set aside after {Attempts} attempts: {Error}",
                    row.MessageId, row.MessageType, row.Attempts + 1, reason);
                setAside.Add(1);
                done++;
            }
            else
            {
                await conn.ExecuteAsync(new CommandDefinition(Blame, new { row.Id, Error = reason, MaxDelay = options.MaxRetryDelay.TotalSeconds },
                    tx, cancellationToken: CancellationToken.None));
                logger.LogWarning("outbox message {MessageId} ({MessageType}) failed (attempt {Attempt} of {Max}): {Error}",
                    row.MessageId, row.MessageType, row.Attempts + 1, options.MaxAttempts, reason);
            }
            failures.Add(1);
        }
        if (confirmed.Count > 0)
            await conn.ExecuteAsync(new CommandDefinition(Delete, new { Ids = confirmed.ToArray() }, tx, cancellationToken: CancellationToken.None));
        if (transport.Count > 0)
            await conn.ExecuteAsync(new CommandDefinition(TransportFailed, new { Ids = transport.ToArray(), Error = Describe(transportError!) },
                tx, cancellationToken: CancellationToken.None));
        await tx.CommitAsync(CancellationToken.None);
        published.Add(confirmed.Count, new KeyValuePair<string, object?>("db.name", database));
        if (transport.Count > 0)
        {
            failures.Add(transport.Count);
            throw new InvalidOperationException($"{transport.Count} of {rows.Count} outbox messages were not confirmed by the broker", transportError);
        }
        return confirmed.Count + done;
    }

    /// <summary>A failure of the row itself, not of the broker: it would fail the same way next time.</summary>
    static bool RowAtFault(Exception e) => e is PoisonMessageException or MessageReturnedException or System.Runtime.Serialization.SerializationException
        or System.Text.Json.JsonException or NotSupportedException;

    static string Describe(Exception e) => e switch
    {
        MessageReturnedException => "returned by the broker: no queue is bound to this message type",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    Task Publish(Row row, CancellationToken ct)
    {
        object message;
        try { message = Outbox.Read(row.MessageType, row.Body); }
        catch (PoisonMessageException e) { return Task.FromException(e); }
        return bus.Publish(message, message.GetType(), Pipe.Execute<PublishContext>(context =>
        {
            context.MessageId = row.MessageId;
            context.Mandatory = true;
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
