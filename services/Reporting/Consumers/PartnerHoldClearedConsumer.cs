using Channel.Contracts.Partners;
using Channel.Hosting.Data;
using Channel.Hosting.Messaging;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class PartnerHoldClearedConsumer(Inbox inbox) : IConsumer<PartnerHoldCleared>
{
    public Task Consume(ConsumeContext<PartnerHoldCleared> context) =>
        inbox.Once(context, (tx, ct) => PartnerDirectory.Apply(tx, context.Message.PartnerId, context.Message.Version,
            context.Message.LegalName, context.Message.Country, context.Message.Region, context.Message.Status, context.Message.Tier, ct));
}
