using Channel.Contracts.Deals;
using Channel.Hosting.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class DealExpiredConsumer(Inbox inbox) : IConsumer<DealExpired>
{
    public Task Consume(ConsumeContext<DealExpired> context) =>
        inbox.Once(context, (tx, ct) => DealProjection.Apply(tx, context.Message.DealId, context.Message.Version, context.Message.Deal, ct));
}
