using Channel.Contracts.Distributors;
using Channel.Contracts.Pricing;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Pricing.Consumers;

/// <summary>
/// Accepted sell-through sale lines, kept as the evidence claim lines need (one batch once, by report and batch number);
/// the pending claim lines they cover are decided at once, and sales at or below book cost that no PA covered on their
/// invoice date are announced as leakage (<see cref="SellThroughBelowBookCost"/>).
/// </summary>
public sealed class SellThroughReportedConsumer(Inbox<SellThroughReportedConsumer> inbox, ClaimDecisions decisions, Ledger ledger, TimeProvider clock)
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

    // The book cost as of the invoice date, in the sale's currency; a PA of the reseller's that covered the SKU that day (not suspended).
    const string BelowBook = $"""
        select s.line_no as line_number, s.reseller_id, s.vendor_sku, s.invoice_date, s.quantity, s.unit_price, b.distributor_cost as book_cost,
               s.extended_amount
        from sell_through_lines s
        join lateral (select p.distributor_cost, p.currency from prices p where p.sku = s.vendor_sku and p.effective_from <= s.invoice_date
                      order by p.effective_from desc limit 1) b on b.currency = s.currency
        where s.report_id = @ReportId and s.line_no = any(@LineNos) and s.unit_price <= b.distributor_cost
          and not exists (select 1 from authorizations a join authorization_prices ap on ap.authorization_id = a.id and ap.sku = s.vendor_sku
                          where a.partner_id = s.reseller_id and a.status <> '{PriceAuthorizationStatus.PendingApproval}'
                            and a.valid_from::date <= s.invoice_date and a.valid_until::date >= s.invoice_date
                            and (a.revoked_at is null or a.revoked_at::date >= s.invoice_date)
                            and not exists (select 1 from jsonb_array_elements(a.suspensions) x
                                            where (x->>'from')::timestamptz::date <= s.invoice_date
                                              and (x->>'until' is null or (x->>'until')::timestamptz::date >= s.invoice_date)))
        order by s.line_no
        """;

    sealed class Sale
    {
        public int LineNumber { get; init; }
        public Guid ResellerId { get; init; }
        public string VendorSku { get; init; } = "";
        public DateOnly InvoiceDate { get; init; }
        public decimal Quantity { get; init; }
        public decimal UnitPrice { get; init; }
        public decimal BookCost { get; init; }
        public decimal ExtendedAmount { get; init; }
    }

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
            var below = (await conn.QueryAsync<Sale>(new CommandDefinition(BelowBook,
                new { m.ReportId, LineNos = sales.Select(l => l.LineNumber).ToArray() }, tx, cancellationToken: ct))).ToList();
            if (below.Count > 0)
                await ledger.BelowBookCost(tx, new SellThroughBelowBookCost
                {
                    ReportId = m.ReportId,
                    Batch = m.Batch,
                    DistributorId = m.DistributorId,
                    OccurredAt = clock.GetUtcNow(),
                    Lines = [.. below.Select(b => new BelowBookSale
                    {
                        LineNumber = b.LineNumber,
                        ResellerId = b.ResellerId,
                        VendorSku = b.VendorSku,
                        InvoiceDate = b.InvoiceDate,
                        Quantity = b.Quantity,
                        UnitPrice = b.UnitPrice,
                        BookCost = b.BookCost,
                        ExtendedAmount = b.ExtendedAmount,
                    })],
                }, ct);
        });
}

/// <summary>Sell-through batches are large (a thousand lines each): a few at a time keep memory flat.</summary>
public sealed class SellThroughReportedConsumerDefinition : LargeMessages<SellThroughReportedConsumer>;
