using System.Collections.Concurrent;
using MassTransit;

namespace Channel.Testing;

/// <summary>
/// A test's own consumer on the fixture's virtual host: it records every event of the given types
/// that comes out of the service, so a test can wait for the one it expects.
/// </summary>
public sealed class EventCollector : IAsyncDisposable
{
    public sealed record Received(Guid MessageId, object Message, string? CorrelationId);

    readonly ConcurrentQueue<Received> received = new();
    readonly SemaphoreSlim arrived = new(0);
    IBusControl? bus;
    string queue = "";

    public IReadOnlyCollection<Received> All => received;

    /// <summary>Every contract type that implements <typeparamref name="T"/> (every event of one kind of aggregate).</summary>
    public static Type[] Implementing<T>() =>
        [.. typeof(T).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(T).IsAssignableFrom(t)).OrderBy(t => t.Name)];

    public static async Task<EventCollector> Start(string vhostUri, string queue, params Type[] types)
    {
        var collector = new EventCollector { queue = queue };
        collector.bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(new Uri(vhostUri));
            cfg.ReceiveEndpoint(queue, e =>
            {
                // One at a time, in the queue's order: a marker that arrives says everything before it has.
                e.ConcurrentMessageLimit = 1;
                foreach (var type in (Type[])[.. types, typeof(CollectorMarker)])
                    typeof(EventCollector).GetMethod(nameof(Handle), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                        .MakeGenericMethod(type).Invoke(collector, [e]);
            });
        });
        await collector.bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return collector;
    }

    void Handle<T>(IReceiveEndpointConfigurator e) where T : class =>
        e.Handler<T>(context =>
        {
            received.Enqueue(new Received(context.MessageId ?? Guid.Empty, context.Message,
                context.Headers.Get<string>("X-Correlation-Id")));
            arrived.Release();
            return Task.CompletedTask;
        });

    /// <summary>Publishes as another service would (optionally with a fixed message id, to deliver a duplicate).</summary>
    public Task Publish<T>(T message, Guid? messageId = null) where T : class =>
        bus!.Publish(message, context => { if (messageId is { } id) context.MessageId = id; });

    /// <summary>
    /// Waits until every event the service has committed has arrived here: its outbox is empty (each
    /// publish confirmed, so in this queue), then a marker sent to this queue after them comes back.
    /// A test that checks nothing more arrived waits on this, not on the clock.
    /// </summary>
    public async Task Settle(TestDatabase serviceDb, TimeSpan? timeout = null)
    {
        await serviceDb.WaitFor("select count(*) from outbox", 0, timeout);
        var marker = new CollectorMarker { Id = Guid.NewGuid() };
        await (await bus!.GetSendEndpoint(new Uri($"queue:{queue}"))).Send(marker);
        await WaitFor<CollectorMarker>(m => m.Id == marker.Id, timeout);
    }

    public IEnumerable<T> Of<T>() => received.Select(r => r.Message).OfType<T>();

    /// <summary>Waits until an event of type T that matches has arrived; fails the test after the timeout.</summary>
    public async Task<T> WaitFor<T>(Func<T, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var found = received.Select(r => r.Message).OfType<T>().FirstOrDefault(match);
            if (found is not null) return found;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"no {typeof(T).Name} matching the test arrived in time");
            await arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> events matching have arrived.</summary>
    public async Task<List<Received>> WaitForCount(Func<Received, bool> match, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var found = received.Where(match).ToList();
            if (found.Count >= count) return found;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"only {found.Count} of {count} events arrived in time");
            await arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (bus is not null) await bus.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
    }
}

/// <summary>What <see cref="EventCollector.Settle"/> sends itself, behind the service's events.</summary>
public sealed record CollectorMarker
{
    public required Guid Id { get; init; }
}
