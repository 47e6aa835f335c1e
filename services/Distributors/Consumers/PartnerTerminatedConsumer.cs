using Channel.Contracts.Partners;
using Channel.Hosting.Data;
using Channel.Hosting.Messaging;
using MassTransit;

namespace Channel.Distributors.Consumers;

/// <summary>The partner is no longer active: its copy says so, and every distributor authorization for it ends.</summary>
public sealed class PartnerTerminatedConsumer(Inbox inbox, Outbox outbox) : IConsumer<PartnerTerminated>
{
    public Task Consume(ConsumeContext<PartnerTerminated> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var m = context.Message;
            // A stale event (the partner has since been reinstated) must not end today's authorizations.
            if (await PartnerDirectory.Apply(tx, m.PartnerId, m.Version, m.LegalName, m.Country, m.Region, m.Status, m.Tier, ct))
                await EndAuthorizations.For(tx, outbox, m.PartnerId, $"partner terminated: {m.Reason}", m.OccurredAt, ct);
        });
}
