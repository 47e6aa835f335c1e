using Channel.Contracts.Deals;
using Channel.Hosting.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class DealApprovalOverdueConsumer(Inbox inbox) : IConsumer<DealApprovalOverdue>
{
    public Task Consume(ConsumeContext<DealApprovalOverdue> context) =>
        inbox.Once(context, (tx, ct) => DealProjection.Apply(tx, context.Message.DealId, context.Message.Version, context.Message.Deal, ct));
}
