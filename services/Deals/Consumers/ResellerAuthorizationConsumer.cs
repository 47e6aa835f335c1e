using Channel.Contracts.Distributors;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Deals.Consumers;

/// <summary>
/// Which distributor may register deals for which reseller, and in which regions, from every
/// authorization event (highest version wins: a revocation that overtakes its authorization still
/// lands, and the late authorization cannot revive it).
/// </summary>
public sealed class ResellerAuthorizationConsumer(Inbox<ResellerAuthorizationConsumer> inbox) : IConsumer<IResellerAuthorizationEvent>
{
    const string Upsert = """
        insert into reseller_authorizations (id, distributor_id, partner_id, regions, active, version)
        values (@AuthorizationId, @DistributorId, @PartnerId, @Regions, @Active, @Version)
        on conflict (id) do update set regions = excluded.regions, active = excluded.active, version = excluded.version
        where reseller_authorizations.version < excluded.version
        """;

    public Task Consume(ConsumeContext<IResellerAuthorizationEvent> context) =>
        inbox.Once(context, (tx, ct) =>
        {
            var (m, a) = (context.Message, context.Message.Authorization);
            return tx.Connection!.ExecuteAsync(new CommandDefinition(Upsert,
                new { m.AuthorizationId, a.DistributorId, a.PartnerId, Regions = a.Regions.ToArray(), a.Active, m.Version }, tx, cancellationToken: ct));
        });
}
