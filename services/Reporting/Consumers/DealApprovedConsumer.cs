using Channel.Contracts.Deals;
using Channel.Hosting.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class DealApprovedConsumer(Inbox inbox) : IConsumer<DealApproved>
{
    public Task Consume(ConsumeContext<DealApproved> context) =>
        inbox.Once(context, (tx, ct) => DealProjection.Apply(tx, context.Message.DealId, context.Message.Version, context.Message.Deal, ct));
}
