using Channel.Messaging;
using Channel.Testing;
using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Channel.Hosting.Tests;

public sealed class RelayingTheOutbox : IAsyncLifetime
{
    TestDatabase db = null!;
    TestVirtualHost broker = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.Create("outbox");
        broker = await TestVirtualHost.Create("outbox");
    }

    public async Task DisposeAsync()
    {
        await broker.DisposeAsync();
        await db.DisposeAsync();
    }

    static async Task<List<Guid>> Write(TestDatabase db, Outbox outbox, int count, bool commit = true, int perTransaction = 1)
    {
        var ids = new List<Guid>();
        await using var conn = await db.Open();
        for (var i = 0; i < count; i += perTransaction)
        {
            await using var tx = await conn.BeginTransactionAsync();
            for (var j = i; j < Math.Min(count, i + perTransaction); j++)
            {
                var id = Guid.NewGuid();
                await outbox.Add(tx, new SomethingHappened { Id = id, Sequence = j }, default);
                ids.Add(id);
            }
            if (commit) await tx.CommitAsync(); else await tx.RollbackAsync();
        }
        return ids;
    }

    [Fact]
    public async Task An_event_is_published_after_its_transaction_commits_and_leaves_the_outbox()
    {
        await using var host = await MessagingHost.Start(db, broker.Uri);
        var outbox = host.Services.GetRequiredService<Outbox>();

        var id = (await Write(db, outbox, 1)).Single();

        await Eventually.True(async () => await db.Scalar<long>("select count(*) from effects where event_id = @id", new { id }) == 1, "the effect");
        await Eventually.True(async () => await db.Scalar<long>("select count(*) from outbox") == 0, "an empty outbox");
    }

    [Fact]
    public async Task Nothing_is_published_when_the_transaction_rolls_back()
    {
        await using var host = await MessagingHost.Start(db, broker.Uri);
        var outbox = host.Services.GetRequiredService<Outbox>();

        var rolledBack = (await Write(db, outbox, 1, commit: false)).Single();
        var marker = (await Write(db, outbox, 1)).Single();

        await Eventually.True(async () => await db.Scalar<long>("select count(*) from effects where event_id = @marker", new { marker }) == 1, "the marker");
        Assert.Equal(0L, await db.Scalar<long>("select count(*) from deliveries where event_id = @rolledBack", new { rolledBack }));
        Assert.Equal(0L, await db.Scalar<long>("select count(*) from outbox"));
    }

    [Fact]
    public async Task Nothing_is_published_until_every_reader_in_the_service_has_bound_its_queue()
    {
        // A queue named as the auditor's but of another kind: its endpoint cannot declare it and stays
        // unconnected, as an endpoint is that has not reached the broker yet while the other one has.
        const string auditorQueue = "hostingtest-something-happened-auditor";
        await broker.DeclareClassicQueue(auditorQueue);
        await using var host = await MessagingHost.Start(db, broker.Uri, new Dictionary<string, string?> { ["RabbitMq:StartWait"] = "00:00:02" });
        var ids = await Write(db, host.Services.GetRequiredService<Outbox>(), 20);

        var relay = host.Services.GetRequiredService<OutboxRelay>();
        await Eventually.True(() => Task.FromResult(relay.Holding), "the relay to hold its events");
        Assert.Equal(20L, await db.Scalar<long>("select count(*) from outbox"));
        Assert.Equal(0L, await db.Scalar<long>("select count(*) from effects"));

        await broker.DeleteQueue(auditorQueue);
        await Eventually.True(async () => await db.Scalar<long>("select count(*) from audits") == ids.Count, "every event at the auditor", TimeSpan.FromSeconds(120));
        await Eventually.True(async () => await db.Scalar<long>("select count(*) from effects") == ids.Count, "every effect");
        Assert.Equal(0L, await db.Scalar<long>("select count(*) from outbox"));
    }

    [Fact]
    public async Task Two_relays_on_one_outbox_deliver_each_event_once()
    {
        await using var first = await MessagingHost.Start(db, broker.Uri);
        await using var second = await MessagingHost.Start(db, broker.Uri);
        var outbox = first.Services.GetRequiredService<Outbox>();

        // Written in many small transactions, so both relays wake and claim while the other is busy.
        var ids = await Write(db, outbox, 600, perTransaction: 3);

        await Eventually.True(async () => await db.Scalar<long>("select count(*) from effects") == ids.Count, "every effect");
        Assert.Equal(0L, await db.Scalar<long>("select count(*) from (select message_id from deliveries group by message_id having count(*) > 1) d"));
        Assert.Equal((long)ids.Count, await db.Scalar<long>("select count(distinct event_id) from deliveries"));
        Assert.Equal((long)ids.Count, await db.Scalar<long>("select count(*) from deliveries"));
    }

    [Fact]
    public async Task Large_events_are_relayed_in_batches_capped_by_size_and_all_arrive_once()
    {
        // Each batch the relay publishes is one measurement of channel.outbox.published, tagged with its database.
        var batches = new System.Collections.Concurrent.ConcurrentQueue<long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Channel.Outbox" && instrument.Name == "channel.outbox.published") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "db.name" && (string?)tag.Value == db.Name) batches.Enqueue(value);
        });
        listener.Start();
        await using var host = await MessagingHost.Start(db, broker.Uri, new Dictionary<string, string?> { ["Outbox:MaxBatchBytes"] = "20000" });
        var outbox = host.Services.GetRequiredService<Outbox>();
        var ids = new List<Guid>();
        await using (var conn = await db.Open())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            for (var i = 0; i < 40; i++)
            {
                var id = Guid.NewGuid();
                await outbox.Add(tx, new SomethingHappened { Id = id, Sequence = i, Padding = new string('x', 6000) + i }, default);
                ids.Add(id);
            }
            await tx.CommitAsync();
        }

        await Eventually.True(async () => await db.Scalar<long>("select count(*) from effects") == ids.Count, "every effect");
        Assert.Equal((long)ids.Count, await db.Scalar<long>("select count(distinct event_id) from deliveries"));
        Assert.Equal((long)ids.Count, await db.Scalar<long>("select count(*) from deliveries"));
        // About 6 kB each under a 20 kB cap: a batch takes rows while what it holds is under the cap, so at most 4; 40 rows, 10 batches or more.
        var sizes = batches.Where(b => b > 0).ToList();
        Assert.Equal(ids.Count, sizes.Sum());
        Assert.All(sizes, size => Assert.InRange(size, 1, 4));
        Assert.True(sizes.Count >= 10, $"batches: {string.Join(", ", sizes)}");
    }

    [Fact]
    public async Task The_same_message_delivered_twice_changes_state_once()
    {
        await using var host = await MessagingHost.Start(db, broker.Uri);
        var bus = host.Services.GetRequiredService<IBus>();
        var message = new SomethingHappened { Id = Guid.NewGuid(), Sequence = 1 };
        var messageId = Guid.NewGuid();

        for (var i = 0; i < 2; i++)
            await bus.Publish(message, c => c.MessageId = messageId);

        // Deliveries are recorded before the inbox transaction: wait until both are handled to their end before counting effects.
        await Eventually.True(async () => await db.Scalar<long>("select count(*) from handled where message_id = @messageId", new { messageId }) == 2,
            "both deliveries handled");
        Assert.Equal(2L, await db.Scalar<long>("select count(*) from deliveries where message_id = @messageId", new { messageId }));
        Assert.Equal(1L, await db.Scalar<long>("select count(*) from effects where message_id = @messageId", new { messageId }));
        Assert.Equal(1L, await db.Scalar<long>("select count(*) from inbox where message_id = @messageId and consumer = @consumer",
            new { messageId, consumer = Inbox<SomethingHappenedConsumer>.Consumer }));
    }

    [Fact]
    public async Task The_inbox_forgets_old_messages_and_keeps_recent_ones()
    {
        await using var host = await MessagingHost.Start(db, broker.Uri);
        await using (var conn = await db.Open())
            await conn.ExecuteAsync("""
                insert into inbox (message_id, consumer, processed_at)
                select gen_random_uuid(), 'old', now() - interval '30 days' from generate_series(1, 12000);
                insert into inbox (message_id, consumer, processed_at) values (gen_random_uuid(), 'recent', now() - interval '1 day');
                """);

        var purged = await host.Services.GetRequiredService<InboxPurge>().Purge(DateTimeOffset.UtcNow.AddDays(-14), default);

        Assert.Equal(12000, purged);
        Assert.Equal(1L, await db.Scalar<long>("select count(*) from inbox"));
    }

    [Fact]
    public async Task Concurrent_duplicates_still_change_state_once()
    {
        await using var host = await MessagingHost.Start(db, broker.Uri);
        var bus = host.Services.GetRequiredService<IBus>();
        var messageIds = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();

        await Task.WhenAll(messageIds.SelectMany(id => Enumerable.Range(0, 5).Select(_ =>
            bus.Publish(new SomethingHappened { Id = id, Sequence = 0 }, c => c.MessageId = id))));

        // Every delivery handled to its end (a delivery is recorded before its inbox transaction, so counting those raced the last commit).
        await Eventually.True(async () => await db.Scalar<long>("select count(*) from handled") == 100, "all 100 deliveries handled");
        Assert.Equal(20L, await db.Scalar<long>("select count(*) from effects"));
        Assert.Equal(20L, await db.Scalar<long>("select count(distinct message_id) from effects"));
    }
}
