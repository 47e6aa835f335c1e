using Channel.Contracts.Pricing;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Reporting.Consumers;

/// <summary>Sales at or below book cost with no PA behind them, one row per report line (a batch announced again adds nothing).</summary>
public sealed class SellThroughBelowBookCostConsumer(Inbox<SellThroughBelowBookCostConsumer> inbox) : IConsumer<SellThroughBelowBookCost>
{
    const string Insert = """
        insert into below_book_sales (report_id, line_no, distributor_id, reseller_id, invoice_date, quantity, extended_amount, book_value)
        select @ReportId, l.line_no, @DistributorId, l.reseller_id, l.invoice_date, l.quantity, l.extended_amount, l.book_value
        from unnest(@LineNos::int[], @Resellers::uuid[], @Dates::date[], @Quantities::numeric[], @Amounts::numeric[], @BookValues::numeric[])
            as l(line_no, reseller_id, invoice_date, quantity, extended_amount, book_value)
        on conflict do nothing
        """;

    public Task Consume(ConsumeContext<SellThroughBelowBookCost> context) =>
        inbox.Once(context, (tx, ct) =>
        {
            var m = context.Message;
            return tx.Connection!.ExecuteAsync(new CommandDefinition(Insert, new
            {
                m.ReportId,
                m.DistributorId,
                LineNos = m.Lines.Select(l => l.LineNumber).ToArray(),
                Resellers = m.Lines.Select(l => l.ResellerId).ToArray(),
                Dates = m.Lines.Select(l => l.InvoiceDate).ToArray(),
                Quantities = m.Lines.Select(l => l.Quantity).ToArray(),
                Amounts = m.Lines.Select(l => l.ExtendedAmount).ToArray(),
                BookValues = m.Lines.Select(l => l.BookCost * l.Quantity).ToArray(),
            }, tx, cancellationToken: ct));
        });
}
