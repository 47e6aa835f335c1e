using Channel.Contracts.Distributors;
using Channel.Hosting.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Reporting.Consumers;

/// <summary>Which resellers a distributor serves: a distributor's reports cover their deals too.</summary>
public sealed class ResellerAuthorizationRevokedConsumer(Inbox inbox) : IConsumer<ResellerAuthorizationRevoked>
{
    const string Sql = """
        insert into authorizations (id, distributor_id, partner_id, active, version)
        values (@AuthorizationId, @DistributorId, @PartnerId, false, @Version)
        on conflict (id) do update set active = excluded.active, version = excluded.version
        where authorizations.version < excluded.version
        """;

    public Task Consume(ConsumeContext<ResellerAuthorizationRevoked> context) =>
        inbox.Once(context, (tx, ct) => tx.Connection!.ExecuteAsync(new CommandDefinition(Sql,
            new { context.Message.AuthorizationId, context.Message.DistributorId, context.Message.PartnerId, context.Message.Version },
            tx, cancellationToken: ct)));
}
