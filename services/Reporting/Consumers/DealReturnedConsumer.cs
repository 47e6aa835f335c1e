using Channel.Contracts.Deals;
using Channel.Hosting.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class DealReturnedConsumer(Inbox inbox) : IConsumer<Batch<DealReturned>>
{
    public Task Consume(ConsumeContext<Batch<DealReturned>> context) =>
        inbox.OnceEach(context, (tx, events, ct) =>
            DealProjection.Apply(tx, [.. events.Select(e => new DealProjection.Change(e.DealId, e.Version, e.Deal))], ct));
}

public sealed class DealReturnedConsumerDefinition : DealEventBatches<DealReturnedConsumer>;
