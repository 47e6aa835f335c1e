using Channel.Contracts.Deals;
using Channel.Hosting.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class DealLostConsumer(Inbox inbox) : IConsumer<Batch<DealLost>>
{
    public Task Consume(ConsumeContext<Batch<DealLost>> context) =>
        inbox.OnceEach(context, (tx, events, ct) =>
            DealProjection.Apply(tx, [.. events.Select(e => new DealProjection.Change(e.DealId, e.Version, e.Deal))], ct));
}

public sealed class DealLostConsumerDefinition : DealEventBatches<DealLostConsumer>;
