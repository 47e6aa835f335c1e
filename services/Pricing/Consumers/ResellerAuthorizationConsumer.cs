using Channel.Contracts.Distributors;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Pricing.Consumers;

/// <summary>
/// Which distributor may serve which reseller, and in which regions (highest version wins): the distributors eligible
/// for a PA. A revocation keeps when it happened: a sale invoiced before it was still the distributor's to claim.
/// </summary>
public sealed class ResellerAuthorizationConsumer(Inbox<ResellerAuthorizationConsumer> inbox) : IConsumer<IResellerAuthorizationEvent>
{
    const string Upsert = """
        insert into reseller_authorizations (id, distributor_id, partner_id, regions, active, revoked_at, version)
        values (@AuthorizationId, @DistributorId, @PartnerId, @Regions, @Active, case when @Active then null else @OccurredAt end, @Version)
        on conflict (id) do update set regions = excluded.regions, active = excluded.active,
            revoked_at = case when excluded.active then reseller_authorizations.revoked_at
                              when reseller_authorizations.active then excluded.revoked_at
                              else coalesce(reseller_authorizations.revoked_at, excluded.revoked_at) end,
            version = excluded.version
        where reseller_authorizations.version < excluded.version
        """;

    public Task Consume(ConsumeContext<IResellerAuthorizationEvent> context) =>
        inbox.Once(context, (tx, ct) =>
        {
            var (m, a) = (context.Message, context.Message.Authorization);
            return tx.Connection!.ExecuteAsync(new CommandDefinition(Upsert,
                new { m.AuthorizationId, a.DistributorId, a.PartnerId, Regions = a.Regions.ToArray(), a.Active, m.OccurredAt, m.Version },
                tx, cancellationToken: ct));
        });
}
