using Channel.Contracts.Partners;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Pricing.Consumers;

/// <summary>
/// Pricing's copy of the partners (status and tier, highest version wins). A partner suspended or terminated loses its
/// live price authorizations; one that becomes active gets those its approved deals were waiting for.
/// </summary>
public sealed class PartnerStateConsumer(Inbox<PartnerStateConsumer> inbox, Issuance issuance, TimeProvider clock) : IConsumer<IPartnerEvent>
{
    const string Upsert = """
        insert into partners (id, legal_name, status, tier, version) values (@PartnerId, @LegalName, @Status, @Tier, @Version)
        on conflict (id) do update set legal_name = excluded.legal_name, status = excluded.status, tier = excluded.tier, version = excluded.version
        where partners.version < excluded.version
        """;

    public Task Consume(ConsumeContext<IPartnerEvent> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var (m, p) = (context.Message, context.Message.Partner);
            var changed = await tx.Connection!.ExecuteAsync(new CommandDefinition(Upsert,
                new { m.PartnerId, p.LegalName, p.Status, p.Tier, m.Version }, tx, cancellationToken: ct));
            if (changed > 0) await issuance.PartnerChanged(tx, m.PartnerId, p.Status, clock.GetUtcNow(), ct);
        });
}
