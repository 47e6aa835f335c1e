using Channel.Contracts.Deals;
using Channel.Hosting.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class DealRegisteredConsumer(Inbox inbox) : IConsumer<Batch<DealRegistered>>
{
    public Task Consume(ConsumeContext<Batch<DealRegistered>> context) =>
        inbox.OnceEach(context, (tx, events, ct) =>
            DealProjection.Apply(tx, [.. events.Select(e => new DealProjection.Change(e.DealId, e.Version, e.Deal))], ct));
}

public sealed class DealRegisteredConsumerDefinition : DealEventBatches<DealRegisteredConsumer>;
