using MassTransit;

namespace Channel.Messaging;

/// <summary>
/// A consumer of large messages (a sell-through batch is a thousand lines, a few hundred KB): two handled at a time and
/// four fetched ahead, so a burst of them does not fill the service's memory (each is deserialized whole).
/// </summary>
public abstract class LargeMessages<TConsumer> : ConsumerDefinition<TConsumer> where TConsumer : class, IConsumer
{
    protected LargeMessages() => ConcurrentMessageLimit = 2;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<TConsumer> consumer,
        IRegistrationContext context) => endpoint.PrefetchCount = 4;
}
