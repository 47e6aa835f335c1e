using Channel.Contracts.Pricing;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Reporting.Consumers;

/// <summary>Every price authorization at its latest version (highest version wins): what is authorized, for the pricing report.</summary>
public sealed class PriceAuthorizationStateConsumer(Inbox<PriceAuthorizationStateConsumer> inbox) : IConsumer<IPriceAuthorizationEvent>
{
    const string Upsert = """
        insert into price_authorizations (id, number, deal_id, partner_id, status, revision, currency, authorized_credit, registered_value, net_value,
            valid_until, version)
        values (@AuthorizationId, @Number, @DealId, @PartnerId, @Status, @Revision, @Currency, @AuthorizedCredit, @RegisteredValue, @NetValue,
            @ValidUntil, @Version)
        on conflict (id) do update set status = excluded.status, revision = excluded.revision, authorized_credit = excluded.authorized_credit,
            registered_value = excluded.registered_value, net_value = excluded.net_value, valid_until = excluded.valid_until, version = excluded.version
        where price_authorizations.version < excluded.version
        """;

    public Task Consume(ConsumeContext<IPriceAuthorizationEvent> context) =>
        inbox.Once(context, (tx, ct) =>
        {
            var (m, a) = (context.Message, context.Message.Authorization);
            return tx.Connection!.ExecuteAsync(new CommandDefinition(Upsert, new
            {
                m.AuthorizationId,
                a.Number,
                a.DealId,
                a.PartnerId,
                a.Status,
                a.Revision,
                a.Currency,
                a.AuthorizedCredit,
                a.RegisteredValue,
                a.NetValue,
                a.ValidUntil,
                m.Version,
            }, tx, cancellationToken: ct));
        });
}
