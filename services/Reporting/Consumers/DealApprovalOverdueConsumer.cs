using Channel.Contracts.Deals;
using Channel.Hosting.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class DealApprovalOverdueConsumer(Inbox inbox) : IConsumer<Batch<DealApprovalOverdue>>
{
    public Task Consume(ConsumeContext<Batch<DealApprovalOverdue>> context) =>
        inbox.OnceEach(context, (tx, events, ct) =>
            DealProjection.Apply(tx, [.. events.Select(e => new DealProjection.Change(e.DealId, e.Version, e.Deal))], ct));
}

public sealed class DealApprovalOverdueConsumerDefinition : DealEventBatches<DealApprovalOverdueConsumer>;
