using Channel.Contracts.Deals;
using Channel.Hosting.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class DealLostConsumer(Inbox inbox) : IConsumer<DealLost>
{
    public Task Consume(ConsumeContext<DealLost> context) =>
        inbox.Once(context, (tx, ct) => DealProjection.Apply(tx, context.Message.DealId, context.Message.Version, context.Message.Deal, ct));
}
