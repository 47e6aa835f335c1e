using Channel.Contracts.Deals;
using Channel.Hosting.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class DealExtendedConsumer(Inbox inbox) : IConsumer<Batch<DealExtended>>
{
    public Task Consume(ConsumeContext<Batch<DealExtended>> context) =>
        inbox.OnceEach(context, (tx, events, ct) =>
            DealProjection.Apply(tx, [.. events.Select(e => new DealProjection.Change(e.DealId, e.Version, e.Deal))], ct));
}

public sealed class DealExtendedConsumerDefinition : DealEventBatches<DealExtendedConsumer>;
