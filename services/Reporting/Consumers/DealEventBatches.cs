using MassTransit;

namespace Channel.Reporting.Consumers;

/// <summary>
/// Deal events are projected in batches: up to 100 at a time, waiting at most 10 ms after the first
/// for more. At a few events a second each batch holds one event; under load one transaction applies
/// many and writes each busy pipeline slice once, which keeps the read model close behind the deals.
/// </summary>
public abstract class DealEventBatches<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<TConsumer> consumer,
        IRegistrationContext context)
    {
        endpoint.PrefetchCount = 200;
        consumer.Options<BatchOptions>(o => o.SetMessageLimit(100).SetTimeLimit(TimeSpan.FromMilliseconds(10)).SetConcurrencyLimit(2));
    }
}
