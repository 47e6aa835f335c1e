using Channel.Contracts.Deals;
using Channel.Hosting.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class DealResubmittedConsumer(Inbox inbox) : IConsumer<DealResubmitted>
{
    public Task Consume(ConsumeContext<DealResubmitted> context) =>
        inbox.Once(context, (tx, ct) => DealProjection.Apply(tx, context.Message.DealId, context.Message.Version, context.Message.Deal, ct));
}
