using System.Net.Http.Json;
using System.Text.Json;
using Channel.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Channel.Hosting.Tests;

/// <summary>
/// A consumer whose database goes away for a minute (a failover, a long recovery) holds its messages
/// and retries until the database is back: nothing goes to _error, each effect happens once.
/// </summary>
public sealed class WaitingOutADatabaseOutage : IAsyncLifetime
{
    TestDatabase db = null!;
    TestVirtualHost broker = null!;
    TcpProxy proxy = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.Create("dbout");
        broker = await TestVirtualHost.Create("dbout");
        proxy = new TcpProxy(new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres).Port);
    }

    public async Task DisposeAsync()
    {
        await proxy.DisposeAsync();
        await broker.DisposeAsync();
        await db.DisposeAsync();
    }

    [Fact]
    public async Task Messages_arriving_during_a_sixty_second_database_outage_are_applied_once_it_is_back_and_none_go_to_error()
    {
        var throughProxy = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Port = proxy.Port, Timeout = 3 }.ConnectionString;
        await using var host = await MessagingHost.Start(db, broker.Uri, new Dictionary<string, string?> { ["RabbitMq:RetryLimit"] = "1" }, throughProxy);
        var bus = host.Services.GetRequiredService<IBus>();
        await bus.Publish(new SomethingHappened { Id = Guid.NewGuid(), Sequence = 0 });
        await Eventually.True(async () => await db.Scalar<long>("select count(*) from effects") == 1, "the first effect");

        proxy.Cut();
        var ids = Enumerable.Range(1, 20).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in ids) await bus.Publish(new SomethingHappened { Id = id, Sequence = 1 });
        // A whole minute without the database, through which the service keeps knocking (connections refused at the proxy).
        await Eventually.True(() => Task.FromResult(proxy.CutFor >= TimeSpan.FromSeconds(60) && proxy.Refused > 0),
            "a minute's outage that the service tried to get through", TimeSpan.FromSeconds(120));
        Assert.Equal(1L, await db.Scalar<long>("select count(*) from effects")); // nothing could be applied meanwhile
        proxy.Restore();

        await Eventually.True(async () => await db.Scalar<long>("select count(*) from effects") == 21
                                     && await db.Scalar<long>("select count(*) from audits") == 21, "both readers' effects once the database is back",
            TimeSpan.FromSeconds(90));
        Assert.Equal(20L, await db.Scalar<long>("select count(distinct event_id) from effects where event_id = any(@ids)", new { ids = ids.ToArray() }));
        Assert.Equal(20L, await db.Scalar<long>("select count(*) from audits where event_id = any(@ids)", new { ids = ids.ToArray() }));
        using var api = TestVirtualHost.Management(TestEnvironment.RabbitApi);
        var queues = await api.GetFromJsonAsync<JsonElement>($"queues/{Uri.EscapeDataString(broker.Name)}?columns=name,messages");
        Assert.DoesNotContain(queues.EnumerateArray(), q => q.GetProperty("name").GetString()!.EndsWith("_error"));
    }
}
