using Channel.Contracts.Deals;
using Dapper;
using Npgsql;

namespace Channel.Notifications;

/// <summary>The deal registrations of the last days, kept for the managers' daily digest.</summary>
public static class Registrations
{
    public static Task Keep(NpgsqlTransaction tx, Guid dealId, DealState deal, CancellationToken ct) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition("""
            insert into registrations (deal_id, partner_id, customer, value, currency, status, registered_at)
            values (@dealId, @PartnerId, @CustomerName, @TotalValue, @Currency, @Status, @SubmittedAt)
            on conflict (deal_id) do nothing
            """, new { dealId, deal.PartnerId, deal.CustomerName, deal.TotalValue, deal.Currency, deal.Status, deal.SubmittedAt }, tx, cancellationToken: ct));
}
