using Channel.Contracts.Deals;
using Channel.Hosting.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class DealResubmittedConsumer(Inbox inbox) : IConsumer<Batch<DealResubmitted>>
{
    public Task Consume(ConsumeContext<Batch<DealResubmitted>> context) =>
        inbox.OnceEach(context, (tx, events, ct) =>
            DealProjection.Apply(tx, [.. events.Select(e => new DealProjection.Change(e.DealId, e.Version, e.Deal))], ct));
}

public sealed class DealResubmittedConsumerDefinition : DealEventBatches<DealResubmittedConsumer>;
