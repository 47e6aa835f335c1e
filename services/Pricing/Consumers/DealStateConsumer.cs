using System.Text.Json;
using Channel.Contracts.Deals;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Pricing.Consumers;

/// <summary>
/// Pricing's copy of the deals (highest version wins, whatever order events arrive in), and what each change means for
/// the deal's price authorization: issued on approval, extended with the protection, revoked when the deal is lost,
/// expired or rejected, or when compliance holds it.
/// </summary>
public sealed class DealStateConsumer(Inbox<DealStateConsumer> inbox, Issuance issuance, TimeProvider clock) : IConsumer<IDealEvent>
{
    const string Upsert = """
        insert into deals (id, partner_id, distributor_id, status, customer_name, customer_country, customer_region, incumbent_vendor,
            total_value, currency, lines, approved_at, approved_by, protection_ends_at, version, screening)
        values (@DealId, @PartnerId, @DistributorId, @Status, @CustomerName, @CustomerCountry, @CustomerRegion, @IncumbentVendor,
            @TotalValue, @Currency, @Lines::jsonb, @ApprovedAt, @ApprovedBy, @ProtectionEndsAt, @Version, @Screening)
        on conflict (id) do update set partner_id = excluded.partner_id, distributor_id = excluded.distributor_id, status = excluded.status,
            customer_name = excluded.customer_name, customer_country = excluded.customer_country, customer_region = excluded.customer_region,
            incumbent_vendor = excluded.incumbent_vendor, total_value = excluded.total_value, currency = excluded.currency,
            lines = excluded.lines, approved_at = excluded.approved_at, approved_by = excluded.approved_by,
            protection_ends_at = excluded.protection_ends_at, version = excluded.version, screening = excluded.screening
        where deals.version < excluded.version
        """;

    static readonly JsonSerializerOptions json = new(JsonSerializerDefaults.Web);

    public Task Consume(ConsumeContext<IDealEvent> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var (m, d) = (context.Message, context.Message.Deal);
            var lines = d.Lines ?? [.. d.ProductFamilies.Select(f => new DealLine { ProductFamily = f, Quantity = 0, Amount = 0 })];
            var changed = await tx.Connection!.ExecuteAsync(new CommandDefinition(Upsert, new
            {
                m.DealId,
                d.PartnerId,
                d.DistributorId,
                d.Status,
                d.CustomerName,
                d.CustomerCountry,
                d.CustomerRegion,
                d.IncumbentVendor,
                d.TotalValue,
                d.Currency,
                Lines = JsonSerializer.Serialize(lines, json),
                d.ApprovedAt,
                d.ApprovedBy,
                d.ProtectionEndsAt,
                m.Version,
                Screening = d.Screening ?? Channel.Contracts.Compliance.ScreeningOutcome.Clear,
            }, tx, cancellationToken: ct));
            if (changed > 0) await issuance.DealChanged(tx, m.DealId, clock.GetUtcNow(), ct);
        });
}
