using Channel.Contracts.Deals;
using Channel.Hosting.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class DealRejectedConsumer(Inbox inbox) : IConsumer<Batch<DealRejected>>
{
    public Task Consume(ConsumeContext<Batch<DealRejected>> context) =>
        inbox.OnceEach(context, (tx, events, ct) =>
            DealProjection.Apply(tx, [.. events.Select(e => new DealProjection.Change(e.DealId, e.Version, e.Deal))], ct));
}

public sealed class DealRejectedConsumerDefinition : DealEventBatches<DealRejectedConsumer>;
