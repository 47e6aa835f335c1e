using System.Diagnostics;
using Channel.Messaging;
using Channel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Channel.Hosting.Tests;

/// <summary>
/// Runs against the second broker that <c>./channel test</c> starts for fault tests, so stopping it
/// disturbs no other test.
/// </summary>
public sealed class SurvivingABrokerOutage : IAsyncLifetime
{
    TestDatabase db = null!;
    TestVirtualHost broker = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.Create("outage");
        broker = await TestVirtualHost.Create("outage", TestEnvironment.FaultRabbit, TestEnvironment.FaultRabbitApi);
    }

    public async Task DisposeAsync()
    {
        await Rabbitmqctl("start_app"); // whatever happened, leave the broker running
        await broker.DisposeAsync();
        await db.DisposeAsync();
    }

    [Fact]
    public async Task Events_written_while_the_broker_is_down_are_all_delivered_once_it_is_back()
    {
        await using var host = await MessagingHost.Start(db, broker.Uri);
        var outbox = host.Services.GetRequiredService<Outbox>();
        var before = await Write(outbox, 50);
        await Eventually.True(async () => await db.Scalar<long>("select count(*) from effects") == 50, "the first 50 effects");

        await Rabbitmqctl("stop_app");
        var during = await Write(outbox, 200);
        // The relay holds (its endpoints lost the broker) or tries and fails: either way the events wait.
        var relay = host.Services.GetRequiredService<OutboxRelay>();
        await Eventually.True(async () => relay.Holding || await db.Scalar<long>("select count(*) from outbox where last_error is not null") > 0,
            "the relay to find the broker gone");
        Assert.True(await db.Scalar<long>("select count(*) from outbox") > 0, "the events wait in the outbox while the broker is down");
        await Rabbitmqctl("start_app");
        var after = await Write(outbox, 50);

        var all = before.Concat(during).Concat(after).ToList();
        await Eventually.True(async () => await db.Scalar<long>("select count(*) from effects") >= all.Count, "every effect", TimeSpan.FromSeconds(120));
        Assert.Equal((long)all.Count, await db.Scalar<long>("select count(*) from effects"));
        Assert.Equal((long)all.Count, await db.Scalar<long>("select count(distinct event_id) from effects"));
        Assert.Equal(0L, await db.Scalar<long>("select count(*) from outbox"));
    }

    [Fact]
    public async Task A_service_started_during_a_broker_outage_longer_than_its_start_wait_starts_degraded_and_delivers_once_the_broker_is_back()
    {
        await Rabbitmqctl("stop_app");
        var host = await MessagingHost.Start(db, broker.Uri, new Dictionary<string, string?> { ["RabbitMq:StartWait"] = "00:00:03" });
        await using var _ = host;
        var health = host.Services.GetRequiredService<HealthCheckService>();
        Assert.Equal(HealthStatus.Degraded, (await health.CheckHealthAsync(c => c.Name == "bus")).Status);

        var ids = await Write(host.Services.GetRequiredService<Outbox>(), 30);
        var relay = host.Services.GetRequiredService<OutboxRelay>();
        await Eventually.True(() => Task.FromResult(relay.Holding), "the relay to hold its events");
        Assert.Equal(30L, await db.Scalar<long>("select count(*) from outbox"));
        await Rabbitmqctl("start_app");

        try
        {
            await Eventually.True(async () => await db.Scalar<long>("select count(*) from effects") == 30, "every effect once the broker is back",
                TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException e)
        {
            await using var conn = await db.Open();
            var rows = await Dapper.SqlMapper.QueryAsync<(int, string?)>(conn, "select attempts, last_error from outbox");
            var state = string.Join("; ", rows.GroupBy(r => r).Select(g => $"{g.Count()} x attempts {g.Key.Item1}: {g.Key.Item2}"));
            throw new TimeoutException($"{e.Message}: {await db.Scalar<long>("select count(*) from effects")} effects, " +
                $"{await db.Scalar<long>("select count(*) from audits")} audits, bus {(await health.CheckHealthAsync(c => c.Name == "bus")).Status}, outbox: {state}; " +
                $"broker: {await broker.DescribeQueues()}");
        }
        Assert.Equal(30L, await db.Scalar<long>("select count(distinct event_id) from effects where event_id = any(@ids)", new { ids = ids.ToArray() }));
        // The service's other reader, whose queue was bound at another moment, gets every event too.
        await Eventually.True(async () => await db.Scalar<long>("select count(*) from audits") == 30, "every event at the auditor");
        await Eventually.True(async () => await db.Scalar<long>("select count(*) from outbox") == 0, "an empty outbox");
        await Eventually.True(async () => (await health.CheckHealthAsync(c => c.Name == "bus")).Status == HealthStatus.Healthy, "a healthy bus");
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

    static async Task Rabbitmqctl(string command)
    {
        var start = new ProcessStartInfo(TestEnvironment.Rabbitmqctl, ["-n", TestEnvironment.FaultRabbitNode, command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["HOME"] = TestEnvironment.FaultRabbitHome;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"rabbitmqctl {command} failed: {await stderr}");
    }
}
