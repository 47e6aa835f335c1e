using Channel.Contracts.Distributors;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Partners.Consumers;

/// <summary>Which distributors serve (or have served) which partners, from every authorization event (highest version wins).</summary>
public sealed class ResellerAuthorizationConsumer(Inbox<ResellerAuthorizationConsumer> inbox) : IConsumer<IResellerAuthorizationEvent>
{
    const string Upsert = """
        insert into distributor_partners (authorization_id, distributor_id, partner_id, active, version)
        values (@AuthorizationId, @DistributorId, @PartnerId, @Active, @Version)
        on conflict (authorization_id) do update set active = excluded.active, version = excluded.version
        where distributor_partners.version < excluded.version
        """;

    public Task Consume(ConsumeContext<IResellerAuthorizationEvent> context) =>
        inbox.Once(context, (tx, ct) =>
        {
            var (m, a) = (context.Message, context.Message.Authorization);
            return tx.Connection!.ExecuteAsync(new CommandDefinition(Upsert,
                new { m.AuthorizationId, a.DistributorId, a.PartnerId, a.Active, m.Version }, tx, cancellationToken: ct));
        });
}
