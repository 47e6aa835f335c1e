using Channel.Contracts.Distributors;
using Channel.Hosting.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Deals.Consumers;

/// <summary>Which distributor may register deals for which reseller, and in which regions.</summary>
public sealed class ResellerAuthorizedConsumer(Inbox inbox) : IConsumer<ResellerAuthorized>
{
    const string Sql = """
        insert into reseller_authorizations (id, distributor_id, partner_id, regions, active, version)
        values (@AuthorizationId, @DistributorId, @PartnerId, @Regions, true, @Version)
        on conflict (id) do update set regions = excluded.regions, active = true, version = excluded.version
        where reseller_authorizations.version < excluded.version
        """;

    public Task Consume(ConsumeContext<ResellerAuthorized> context) =>
        inbox.Once(context, (tx, ct) => tx.Connection!.ExecuteAsync(new CommandDefinition(Sql, new
        {
            context.Message.AuthorizationId,
            context.Message.DistributorId,
            context.Message.PartnerId,
            Regions = context.Message.Regions.ToArray(),
            context.Message.Version,
        }, tx, cancellationToken: ct)));
}
