using Channel.Contracts.Distributors;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Reporting.Consumers;

/// <summary>Which resellers a distributor serves (a distributor's reports cover their deals too), from every authorization event.</summary>
public sealed class ResellerAuthorizationConsumer(Inbox<ResellerAuthorizationConsumer> inbox) : IConsumer<IResellerAuthorizationEvent>
{
    const string Upsert = """
        insert into authorizations (id, distributor_id, partner_id, active, version)
        values (@AuthorizationId, @DistributorId, @PartnerId, @Active, @Version)
        on conflict (id) do update set active = excluded.active, version = excluded.version
        where authorizations.version < excluded.version
        """;

    public Task Consume(ConsumeContext<IResellerAuthorizationEvent> context) =>
        inbox.Once(context, (tx, ct) =>
        {
            var (m, a) = (context.Message, context.Message.Authorization);
            return tx.Connection!.ExecuteAsync(new CommandDefinition(Upsert,
                new { m.AuthorizationId, a.DistributorId, a.PartnerId, a.Active, m.Version }, tx, cancellationToken: ct));
        });
}
