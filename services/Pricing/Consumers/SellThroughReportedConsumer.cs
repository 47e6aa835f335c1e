using Channel.Contracts.Distributors;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Pricing.Consumers;

/// <summary>
/// Accepted sell-through sale lines, kept as the evidence claim lines need (one batch once, by report and batch number);
/// the pending claim lines they cover are decided at once.
/// </summary>
public sealed class SellThroughReportedConsumer(Inbox<SellThroughReportedConsumer> inbox, ClaimDecisions decisions, TimeProvider clock)
    : IConsumer<SellThroughReported>
{
    const string InsertLines = """
        insert into sell_through_lines (report_id, line_no, distributor_id, invoice_number, invoice_date, reseller_id, vendor_sku,
            quantity, unit_price, extended_amount, currency)
        select @ReportId, l.line_no, @DistributorId, l.invoice_number, l.invoice_date, l.reseller_id, l.vendor_sku,
            l.quantity, l.unit_price, l.extended_amount, l.currency
        from unnest(@LineNos::int[], @Invoices::text[], @Dates::date[], @Resellers::uuid[], @Skus::text[], @Quantities::numeric[],
            @Prices::numeric[], @Amounts::numeric[], @Currencies::text[])
            as l(line_no, invoice_number, invoice_date, reseller_id, vendor_sku, quantity, unit_price, extended_amount, currency)
        on conflict do nothing
        """;

    public Task Consume(ConsumeContext<SellThroughReported> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var m = context.Message;
            var conn = tx.Connection!;
            if (await conn.ExecuteAsync(new CommandDefinition(
                    "insert into sell_through_batches (report_id, batch) values (@ReportId, @Batch) on conflict do nothing",
                    new { m.ReportId, m.Batch }, tx, cancellationToken: ct)) == 0)
                return;
            var sales = m.Lines.Where(l => l.TransactionType == SellThroughTransaction.Sale).ToList();
            if (sales.Count == 0) return;
            await conn.ExecuteAsync(new CommandDefinition(InsertLines, new
            {
                m.ReportId,
                m.DistributorId,
                LineNos = sales.Select(l => l.LineNumber).ToArray(),
                Invoices = sales.Select(l => l.InvoiceNumber).ToArray(),
                Dates = sales.Select(l => l.InvoiceDate).ToArray(),
                Resellers = sales.Select(l => l.ResellerId).ToArray(),
                Skus = sales.Select(l => l.VendorSku).ToArray(),
                Quantities = sales.Select(l => l.Quantity).ToArray(),
                Prices = sales.Select(l => l.UnitPrice).ToArray(),
                Amounts = sales.Select(l => l.ExtendedAmount).ToArray(),
                Currencies = sales.Select(l => l.Currency).ToArray(),
            }, tx, cancellationToken: ct));
            await decisions.SellThroughArrived(tx, m.DistributorId,
                [.. sales.Select(l => (l.InvoiceNumber, l.VendorSku)).Distinct()], clock.GetUtcNow(), ct);
        });
}
