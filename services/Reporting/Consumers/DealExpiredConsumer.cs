using Channel.Contracts.Deals;
using Channel.Hosting.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class DealExpiredConsumer(Inbox inbox) : IConsumer<Batch<DealExpired>>
{
    public Task Consume(ConsumeContext<Batch<DealExpired>> context) =>
        inbox.OnceEach(context, (tx, events, ct) =>
            DealProjection.Apply(tx, [.. events.Select(e => new DealProjection.Change(e.DealId, e.Version, e.Deal))], ct));
}

public sealed class DealExpiredConsumerDefinition : DealEventBatches<DealExpiredConsumer>;
