using Channel.Contracts.Deals;
using Channel.Hosting.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class DealRegisteredConsumer(Inbox inbox) : IConsumer<DealRegistered>
{
    public Task Consume(ConsumeContext<DealRegistered> context) =>
        inbox.Once(context, (tx, ct) => DealProjection.Apply(tx, context.Message.DealId, context.Message.Version, context.Message.Deal, ct));
}
