using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Channel.Notifications.Mail;
using Dapper;
using Npgsql;
using Polly;

namespace Channel.Notifications.Webhooks;

/// <summary>
/// Posts the deliveries owed. Due rows are leased (their next attempt moved past the lease, so
/// another instance or a restart takes them only if this one never finishes), posted concurrently,
/// and each attempt is recorded with its status, error and latency. A failure waits an exponential
/// delay with jitter (from <see cref="WebhookOptions.FirstRetryDelay"/>, doubling, capped) and is
/// tried again until its retry window ends; then it is given up and stays in the log, from where it
/// can be redelivered. A subscription whose attempts fail <see cref="WebhookOptions.DisableAfterFailures"/>
/// times in a row is disabled and its owner mailed. Delivery is at least once: a crash between the
/// post and its record posts again, with the same event id for the receiver to recognise.
/// </summary>
public sealed class WebhookDeliverer(NpgsqlDataSource db, WebhookOptions options, AddressGuard guard, Mails mails, MailOptions mailOptions,
    ILogger<WebhookDeliverer> logger) : BackgroundService
{
    readonly Channel<bool> wake = System.Threading.Channels.Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    readonly HttpClient http = new(new SocketsHttpHandler
    {
        ConnectCallback = guard.Connect,
        AllowAutoRedirect = false,
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
    })
    { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    readonly ResiliencePipeline attempt = new ResiliencePipelineBuilder().AddTimeout(options.Timeout).Build();

    public void WakeSoon() => wake.Writer.TryWrite(true);

    const string Lease = """
        with due as (
            select d.id from deliveries d join subscriptions s on s.id = d.subscription_id
            where d.delivered_at is null and d.given_up_at is null and d.next_attempt_at <= now() and s.enabled
            order by d.next_attempt_at limit @BatchSize
            for update of d skip locked)
        update deliveries d set next_attempt_at = now() + @LeaseFor
        from due, subscriptions s
        where d.id = due.id and s.id = d.subscription_id
        returning d.id, d.subscription_id, d.event_id, d.kind, d.payload, d.attempts, s.url, s.secret
        """;

    sealed record Due(long Id, Guid SubscriptionId, Guid EventId, string Kind, string Payload, int Attempts, string Url, string Secret);

    sealed record Result(int? Status, string? Error, int LatencyMs)
    {
        public bool Succeeded => Status is >= 200 and < 300;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (!stoppingToken.IsCancellationRequested && await DeliverBatch(stoppingToken) > 0) { }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                logger.LogWarning(e, "the webhook deliverer failed; trying again shortly");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            try { await wake.Reader.WaitToReadAsync(timeout.Token); wake.Reader.TryRead(out _); }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>Leases and posts one batch of due deliveries; returns how many it attempted.</summary>
    public async Task<int> DeliverBatch(CancellationToken ct)
    {
        List<Due> due;
        await using (var conn = await db.OpenConnectionAsync(ct))
        {
            due = (await conn.QueryAsync<Due>(new CommandDefinition(Lease,
                new { options.BatchSize, LeaseFor = options.Timeout + TimeSpan.FromMinutes(1) }, cancellationToken: ct))).AsList();
        }
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.MaxConcurrency, CancellationToken = ct },
            async (d, token) => await Record(d, await Post(d, token), token));
        return due.Count;
    }

    async Task<Result> Post(Due d, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, d.Url)
            {
                Content = new StringContent(d.Payload, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(Signature.Header, Signature.Sign(d.Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), d.Payload));
            request.Headers.Add("Channel-Event-Id", d.EventId.ToString());
            request.Headers.Add("Channel-Event-Kind", d.Kind);
            request.Headers.Add("Channel-Delivery", d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.UserAgent.ParseAdd("Channel-Webhooks/1.0");
            using var response = await attempt.ExecuteAsync(
                async token => await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token), ct);
            var status = (int)response.StatusCode;
            return new Result(status, status is >= 200 and < 300 ? null : $"the receiver answered {status}", (int)clock.ElapsedMilliseconds);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            var error = e is Polly.Timeout.TimeoutRejectedException ? $"no answer within {options.Timeout.TotalSeconds:0.#} s" : $"{e.GetType().Name}: {e.Message}";
            return new Result(null, error, (int)clock.ElapsedMilliseconds);
        }
    }

    async Task Record(Due d, Result result, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into delivery_attempts (delivery_id, status_code, error, latency_ms, succeeded)
            values (@Id, @Status, @Error, @LatencyMs, @Succeeded)
            """, new { d.Id, result.Status, result.Error, result.LatencyMs, result.Succeeded }, tx, cancellationToken: ct));
        if (result.Succeeded)
        {
            await conn.ExecuteAsync(new CommandDefinition("""
                update deliveries set delivered_at = now(), attempts = attempts + 1, last_status = @Status, last_error = null,
                    last_latency_ms = @LatencyMs
                where id = @Id;
                update subscriptions set consecutive_failures = 0 where id = @SubscriptionId and consecutive_failures <> 0;
                """, new { d.Id, d.SubscriptionId, result.Status, result.LatencyMs }, tx, cancellationToken: ct));
        }
        else
        {
            var delay = RetryDelay(d.Attempts + 1);
            await conn.ExecuteAsync(new CommandDefinition("""
                update deliveries set attempts = attempts + 1, last_status = @Status, last_error = @Error, last_latency_ms = @LatencyMs,
                    next_attempt_at = now() + @delay,
                    given_up_at = case when now() + @delay > retry_until then now() end
                where id = @Id
                """, new { d.Id, result.Status, result.Error, result.LatencyMs, delay }, tx, cancellationToken: ct));
            var failing = await conn.QuerySingleAsync<Failing>(new CommandDefinition("""
                update subscriptions set consecutive_failures = consecutive_failures + 1 where id = @SubscriptionId
                returning id, owner_kind, owner_id, url, enabled, consecutive_failures
                """, new { d.SubscriptionId }, tx, cancellationToken: ct));
            logger.LogInformation("webhook delivery {DeliveryId} to {Url} failed (attempt {Attempt}): {Error}", d.Id, d.Url, d.Attempts + 1, result.Error);
            if (failing.Enabled && failing.ConsecutiveFailures >= options.DisableAfterFailures) await Disable(tx, failing, result, ct);
        }
        await tx.CommitAsync(ct);
    }

    sealed record Failing(Guid Id, string OwnerKind, Guid? OwnerId, string Url, bool Enabled, int ConsecutiveFailures);

    async Task Disable(NpgsqlTransaction tx, Failing s, Result last, CancellationToken ct)
    {
        var reason = $"{s.ConsecutiveFailures} deliveries in a row failed; the last: {last.Error}";
        await tx.Connection!.ExecuteAsync(new CommandDefinition("""
            update subscriptions set enabled = false, disabled_at = now(), disabled_reason = @reason, updated_at = now() where id = @Id
            """, new { s.Id, reason }, tx, cancellationToken: ct));
        logger.LogWarning("webhook subscription {SubscriptionId} to {Url} disabled: {Reason}", s.Id, s.Url, reason);
        var recipients = s.OwnerKind switch
        {
            Owners.Partner => await Recipients.Of(tx, Recipients.Partner, s.OwnerId!.Value, ct),
            Owners.Distributor => await Recipients.Of(tx, Recipients.Distributor, s.OwnerId!.Value, ct),
            _ => await Recipients.Staff(tx, mailOptions, ct, Channel.Hosting.Auth.Roles.Admin),
        };
        await mails.Owe(tx, Guid.CreateVersion7(), "webhook-disabled", recipients, r => new
        {
            vendor = mailOptions.VendorName,
            recipient = new { name = r.Name },
            subscription = new { id = s.Id, url = s.Url, reason, failures = s.ConsecutiveFailures },
            url = $"{mailOptions.DashboardUrl.TrimEnd('/')}/#/webhooks?subscription={s.Id}",
        }, ct);
    }

    /// <summary>Exponential from the first delay, capped, with "equal jitter": half fixed, half random, so failed receivers are not hit in step.</summary>
    public TimeSpan RetryDelay(int attempts)
    {
        var exponential = options.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = Math.Min(exponential, options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }

    public override void Dispose()
    {
        http.Dispose();
        base.Dispose();
    }
}
