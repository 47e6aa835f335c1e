using Channel.Contracts.Deals;
using Channel.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class SellThroughLinkedConsumer(Inbox<SellThroughLinkedConsumer> inbox) : IConsumer<SellThroughLinked>
{
    public Task Consume(ConsumeContext<SellThroughLinked> context) =>
        inbox.Once(context, (tx, ct) => SellThroughProjection.Link(tx, context.Message, ct));
}
