using Channel.Contracts.Deals;
using Channel.Hosting.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class DealWonConsumer(Inbox inbox) : IConsumer<Batch<DealWon>>
{
    public Task Consume(ConsumeContext<Batch<DealWon>> context) =>
        inbox.OnceEach(context, (tx, events, ct) =>
            DealProjection.Apply(tx, [.. events.Select(e => new DealProjection.Change(e.DealId, e.Version, e.Deal))], ct));
}

public sealed class DealWonConsumerDefinition : DealEventBatches<DealWonConsumer>;
