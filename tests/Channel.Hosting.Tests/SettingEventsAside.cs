using Channel.Messaging;
using Channel.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Channel.Hosting.Tests;

/// <summary>
/// Rows the relay cannot publish as they stand (a type this process does not know, a body that no
/// longer reads, an event no queue is bound to) wait between attempts and are then set aside as dead
/// letters, while every row around them is delivered once; an operator brings them back.
/// </summary>
public sealed class SettingEventsAside : IAsyncLifetime
{
    TestDatabase db = null!;
    TestVirtualHost broker = null!;

    static readonly Dictionary<string, string?> quickly = new()
    {
        ["Outbox:MaxAttempts"] = "3",
        ["Outbox:MaxRetryDelay"] = "00:00:00.500",
    };

    public async Task InitializeAsync()
    {
        db = await TestDatabase.Create("aside");
        broker = await TestVirtualHost.Create("aside");
    }

    public async Task DisposeAsync()
    {
        await broker.DisposeAsync();
        await db.DisposeAsync();
    }

    async Task<List<Guid>> Write(Outbox outbox, int count)
    {
        var ids = new List<Guid>();
        await using var conn = await db.Open();
        for (var i = 0; i < count; i++)
        {
            await using var tx = await conn.BeginTransactionAsync();
            var id = Guid.NewGuid();
            await outbox.Add(tx, new SomethingHappened { Id = id, Sequence = i }, default);
            await tx.CommitAsync();
            ids.Add(id);
        }
        return ids;
    }

    async Task Poison(string type, string body)
    {
        await using var conn = await db.Open();
        await conn.ExecuteAsync("insert into outbox (message_id, message_type, body, body_bytes) values (gen_random_uuid(), @type, @body::jsonb, 2)",
            new { type, body });
    }

    [Theory]
    [InlineData("Channel.Retired.SomethingOld, Channel.Retired", "{}", "unknown message type")]
    [InlineData("Channel.Hosting.Tests.SomethingHappened, Channel.Hosting.Tests", """{"id": "not a uuid", "sequence": 1}""", "does not read as SomethingHappened")]
    public async Task A_row_that_cannot_be_read_is_set_aside_and_the_rows_around_it_arrive_once(string type, string body, string why)
    {
        await using var host = await MessagingHost.Start(db, broker.Uri, quickly);
        var outbox = host.Services.GetRequiredService<Outbox>();
        // Stop the relay claiming while the rows are written, so the bad row sits between good ones in every batch.
        var before = await Write(outbox, 30);
        await Poison(type, body);
        var after = await Write(outbox, 30);

        await Eventually.True(async () => await db.Scalar<long>("select count(*) from outbox_dead_letters") == 1, "the bad row set aside");
        await Eventually.True(async () => await db.Scalar<long>("select count(*) from effects") == 60, "every good event's effect");

        Assert.Equal(60L, await db.Scalar<long>("select count(*) from deliveries"));
        Assert.Equal(60L, await db.Scalar<long>("select count(distinct event_id) from deliveries where event_id = any(@ids)", new { ids = before.Concat(after).ToArray() }));
        Assert.Equal(0L, await db.Scalar<long>("select count(*) from outbox"));
        var dead = (await OutboxAdmin.DeadLetters(host.Services.GetRequiredService<NpgsqlDataSource>(), default)).Single();
        Assert.Equal(type, dead.MessageType);
        Assert.Equal(3, dead.Attempts);
        Assert.Contains(why, dead.LastError);
    }

    [Fact]
    public async Task An_event_no_queue_is_bound_to_comes_back_from_the_broker_and_waits_as_a_dead_letter_until_someone_listens()
    {
        await using var host = await MessagingHost.Start(db, broker.Uri, quickly);
        var outbox = host.Services.GetRequiredService<Outbox>();
        var data = host.Services.GetRequiredService<NpgsqlDataSource>();
        var id = Guid.NewGuid();
        await using (var conn = await db.Open())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await outbox.Add(tx, new NobodyListens { Id = id }, default);
            await tx.CommitAsync();
        }
        var marker = (await Write(outbox, 1)).Single();

        await Eventually.True(async () => await db.Scalar<long>("select count(*) from outbox_dead_letters") == 1, "the returned event set aside");
        var dead = (await OutboxAdmin.DeadLetters(data, default)).Single();
        Assert.Contains("returned by the broker", dead.LastError);
        Assert.Equal(1L, await db.Scalar<long>("select count(*) from effects where event_id = @marker", new { marker }));

        // A reader arrives; the operator sends the event again, and it is delivered with its message id.
        await using var reader = await EventCollector.Start(broker.Uri, "late-reader", typeof(NobodyListens));
        Assert.True(await OutboxAdmin.Requeue(data, dead.Id, default));
        var arrived = await reader.WaitFor<NobodyListens>(e => e.Id == id);
        Assert.Equal(dead.MessageId, reader.All.Single(r => r.Message is NobodyListens).MessageId);
        Assert.Equal(0L, await db.Scalar<long>("select count(*) from outbox_dead_letters"));
    }

    [Fact]
    public async Task Readiness_is_degraded_while_events_wait_too_long_or_were_set_aside()
    {
        await using var host = await MessagingHost.Start(db, broker.Uri, new Dictionary<string, string?>
        {
            ["Outbox:Enabled"] = "false",
            ["Outbox:DegradedAfter"] = "00:00:01",
        });
        var health = host.Services.GetRequiredService<HealthCheckService>();
        async Task<HealthReportEntry> Outbox() => (await health.CheckHealthAsync(c => c.Name == "outbox")).Entries["outbox"];

        Assert.Equal(HealthStatus.Healthy, (await Outbox()).Status);
        await Write(host.Services.GetRequiredService<Outbox>(), 1);
        await Eventually.True(async () => (await Outbox()).Status == HealthStatus.Degraded, "the outbox to report its waiting event");
        var waiting = await Outbox();
        Assert.Equal(HealthStatus.Degraded, waiting.Status);
        Assert.Contains("the oldest event has waited", waiting.Description);

        await using (var conn = await db.Open())
            await conn.ExecuteAsync("""
                insert into outbox_dead_letters (id, message_id, message_type, body, body_bytes, created_at, attempts, last_error)
                values (-1, gen_random_uuid(), 'x', '{}', 2, now(), 3, 'test'); delete from outbox;
                """);
        var aside = await Outbox();
        Assert.Equal(HealthStatus.Degraded, aside.Status);
        Assert.Contains("set aside", aside.Description);
    }

    [Fact]
    public async Task Two_readers_of_one_event_in_one_service_each_apply_it_once()
    {
        await using var host = await MessagingHost.Start(db, broker.Uri);
        var ids = await Write(host.Services.GetRequiredService<Outbox>(), 20);

        await Eventually.True(async () => await db.Scalar<long>("select count(*) from effects") == 20
                                     && await db.Scalar<long>("select count(*) from audits") == 20, "both readers' effects");
        Assert.Equal(20L, await db.Scalar<long>("select count(distinct event_id) from audits where event_id = any(@ids)", new { ids = ids.ToArray() }));
        Assert.Equal(40L, await db.Scalar<long>("select count(*) from inbox"));
        Assert.Equal(2L, await db.Scalar<long>("select count(distinct consumer) from inbox"));
    }
}
