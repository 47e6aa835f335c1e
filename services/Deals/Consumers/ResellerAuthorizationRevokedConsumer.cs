using Channel.Contracts.Distributors;
using Channel.Hosting.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Deals.Consumers;

public sealed class ResellerAuthorizationRevokedConsumer(Inbox inbox) : IConsumer<ResellerAuthorizationRevoked>
{
    // A revocation that overtakes its authorization still lands, as an inactive row the late authorization cannot revive.
    const string Sql = """
        insert into reseller_authorizations (id, distributor_id, partner_id, regions, active, version)
        values (@AuthorizationId, @DistributorId, @PartnerId, '{}', false, @Version)
        on conflict (id) do update set active = false, version = excluded.version
        where reseller_authorizations.version < excluded.version
        """;

    public Task Consume(ConsumeContext<ResellerAuthorizationRevoked> context) =>
        inbox.Once(context, (tx, ct) => tx.Connection!.ExecuteAsync(new CommandDefinition(Sql, new
        {
            context.Message.AuthorizationId,
            context.Message.DistributorId,
            context.Message.PartnerId,
            context.Message.Version,
        }, tx, cancellationToken: ct)));
}
