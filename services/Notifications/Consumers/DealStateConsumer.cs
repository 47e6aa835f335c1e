using Channel.Contracts.Deals;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Notifications.Consumers;

/// <summary>Keeps each deal's latest state (by version) for the protection reminders and the leadership summary.</summary>
public sealed class DealStateConsumer(Inbox<DealStateConsumer> inbox) : IConsumer<IDealEvent>
{
    const string Upsert = """
        insert into deals (id, partner_id, customer, value, currency, status, submitted_at, protection_ends_at, actual_amount, closed_at, version)
        values (@DealId, @PartnerId, @CustomerName, @TotalValue, @Currency, @Status, @SubmittedAt, @ProtectionEndsAt, @ActualAmount, @ClosedAt, @Version)
        on conflict (id) do update set partner_id = excluded.partner_id, customer = excluded.customer, value = excluded.value,
            currency = excluded.currency, status = excluded.status, submitted_at = excluded.submitted_at,
            protection_ends_at = excluded.protection_ends_at, actual_amount = excluded.actual_amount, closed_at = excluded.closed_at,
            version = excluded.version
        where deals.version < excluded.version
        """;

    public Task Consume(ConsumeContext<IDealEvent> context) =>
        inbox.Once(context, (tx, ct) =>
        {
            var e = context.Message;
            var d = e.Deal;
            return tx.Connection!.ExecuteAsync(new CommandDefinition(Upsert, new
            {
                e.DealId,
                d.PartnerId,
                d.CustomerName,
                d.TotalValue,
                d.Currency,
                d.Status,
                d.SubmittedAt,
                d.ProtectionEndsAt,
                d.ActualAmount,
                d.ClosedAt,
                e.Version,
            }, tx, cancellationToken: ct));
        });
}
