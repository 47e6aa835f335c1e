using Channel.Contracts.Deals;
using Channel.Hosting.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class DealApprovedConsumer(Inbox inbox) : IConsumer<Batch<DealApproved>>
{
    public Task Consume(ConsumeContext<Batch<DealApproved>> context) =>
        inbox.OnceEach(context, (tx, events, ct) =>
            DealProjection.Apply(tx, [.. events.Select(e => new DealProjection.Change(e.DealId, e.Version, e.Deal))], ct));
}

public sealed class DealApprovedConsumerDefinition : DealEventBatches<DealApprovedConsumer>;
