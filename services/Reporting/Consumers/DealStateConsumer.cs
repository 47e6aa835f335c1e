using Channel.Contracts.Deals;
using Channel.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

/// <summary>
/// Every deal event (each carries the deal's state at its version) into the deal read model and the
/// pipeline sums, in batches: up to 100 at a time, waiting at most 10 ms after the first for more.
/// At a few events a second each batch holds one event; under load one transaction applies many and
/// writes each busy pipeline slice once, which keeps the read model close behind the deals.
/// </summary>
public sealed class DealStateConsumer(Inbox<DealStateConsumer> inbox) : IConsumer<Batch<IDealEvent>>
{
    public Task Consume(ConsumeContext<Batch<IDealEvent>> context) =>
        inbox.OnceEach(context, (tx, events, ct) =>
            DealProjection.Apply(tx, [.. events.Select(e => new DealProjection.Change(e.DealId, e.Version, e.Deal))], ct));
}

public sealed class DealStateConsumerDefinition : ConsumerDefinition<DealStateConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<DealStateConsumer> consumer,
        IRegistrationContext context)
    {
        endpoint.PrefetchCount = 200;
        consumer.Options<BatchOptions>(o => o.SetMessageLimit(100).SetTimeLimit(TimeSpan.FromMilliseconds(10)).SetConcurrencyLimit(2));
    }
}
