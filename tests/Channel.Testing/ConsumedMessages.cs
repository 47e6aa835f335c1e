using System.Collections.Concurrent;
using MassTransit;

namespace Channel.Testing;

/// <summary>
/// Counts, per message id, the consumes an in-process service finished (successfully or not), so a
/// test can wait until a message it sent was handled, even one that changes nothing, such as a
/// duplicate the inbox turns away: the signal that it was there, and was turned away.
/// </summary>
public sealed class ConsumedMessages : IConsumeObserver
{
    readonly ConcurrentDictionary<Guid, int> finished = new();

    public static ConsumedMessages Watch(IBus bus)
    {
        var watcher = new ConsumedMessages();
        bus.ConnectConsumeObserver(watcher);
        return watcher;
    }

    public int Count(Guid messageId) => finished.GetValueOrDefault(messageId);

    public Task WaitFor(Guid messageId, int times, TimeSpan? timeout = null) =>
        Eventually.True(() => Task.FromResult(Count(messageId) >= times), $"message {messageId} to be consumed {times} times", timeout);

    Task IConsumeObserver.PreConsume<T>(ConsumeContext<T> context) => Task.CompletedTask;

    Task IConsumeObserver.PostConsume<T>(ConsumeContext<T> context) => Done(context);

    Task IConsumeObserver.ConsumeFault<T>(ConsumeContext<T> context, Exception exception) => Done(context);

    Task Done(ConsumeContext context)
    {
        if (context.MessageId is { } id) finished.AddOrUpdate(id, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}
