using Channel.Contracts.Distributors;
using Channel.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class SellThroughReportedConsumer(Inbox<SellThroughReportedConsumer> inbox) : IConsumer<SellThroughReported>
{
    public Task Consume(ConsumeContext<SellThroughReported> context) =>
        inbox.Once(context, (tx, ct) => SellThroughProjection.Apply(tx, context.Message, ct));
}

/// <summary>Sell-through batches are large (a thousand lines each): a few at a time keep memory flat.</summary>
public sealed class SellThroughReportedConsumerDefinition : LargeMessages<SellThroughReportedConsumer>;
