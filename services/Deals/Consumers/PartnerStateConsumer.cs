using Channel.Contracts.Partners;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Deals.Consumers;

/// <summary>
/// The Deals service's copy of the partners (who is active, in which tier), from every partner
/// event: each carries the partner's state at its version, so the copy keeps the highest version it
/// has seen and is right whatever order the events arrive in.
/// </summary>
public sealed class PartnerStateConsumer(Inbox<PartnerStateConsumer> inbox) : IConsumer<IPartnerEvent>
{
    const string Upsert = """
        insert into partners (id, legal_name, country, region, status, tier, version)
        values (@PartnerId, @LegalName, @Country, @Region, @Status, @Tier, @Version)
        on conflict (id) do update set legal_name = excluded.legal_name, country = excluded.country, region = excluded.region,
            status = excluded.status, tier = excluded.tier, version = excluded.version
        where partners.version < excluded.version
        """;

    public Task Consume(ConsumeContext<IPartnerEvent> context) =>
        inbox.Once(context, (tx, ct) =>
        {
            var (m, p) = (context.Message, context.Message.Partner);
            return tx.Connection!.ExecuteAsync(new CommandDefinition(Upsert,
                new { m.PartnerId, m.Version, p.LegalName, p.Country, p.Region, p.Status, p.Tier }, tx, cancellationToken: ct));
        });
}
