using Channel.Contracts.Deals;
using Channel.Contracts.Distributors;
using Channel.Deals.Rules;
using Channel.Hosting.Web;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Deals.Consumers;

/// <summary>
/// Links sell-through to registered deals: a sale line that names a deal of its reseller, or that
/// matches an approved deal by reseller + normalised end customer (or domain) + product family with
/// its invoice date inside the protection period. The link and the rule that made it are kept; an
/// approved deal that gets its first link is closed as won with the amount sold.
/// </summary>
public sealed class SellThroughReportedConsumer(Inbox<SellThroughReportedConsumer> inbox, Deals deals, DealRules rules, TimeProvider clock)
    : IConsumer<SellThroughReported>
{
    // The whole batch is matched in one statement: first the lines that name a deal of their reseller,
    // then the others by reseller + normalised customer (or domain) + product family inside protection.
    const string LinkBatch = $"""
        with lines as (
            select * from unnest(@LineNumbers::int[], @Resellers::uuid[], @Keys::text[], @Domains::text[], @Families::text[],
                                 @Dates::date[], @DealIds::uuid[], @Amounts::numeric[], @Invoices::text[])
                   as l(line_number, reseller_id, customer_key, domain, family, invoice_date, deal_id, amount, invoice_number)
        ), named as (
            select l.line_number, l.invoice_number, l.invoice_date, l.amount, d.id as deal_id, 'deal_id' as rule
            from lines l join deals d on d.id = l.deal_id and d.partner_id = l.reseller_id and d.status in ('{DealStatus.Approved}', '{DealStatus.Won}')
        ), matched as (
            select distinct on (l.line_number) l.line_number, l.invoice_number, l.invoice_date, l.amount, d.id as deal_id,
                   'reseller_customer_family' as rule
            from lines l join deals d
              on d.partner_id = l.reseller_id and d.status in ('{DealStatus.Approved}', '{DealStatus.Won}')
             and (d.customer_key = l.customer_key or (l.domain is not null and d.customer_domain = l.domain))
             and l.family = any(d.product_families)
             and d.approved_at::date <= l.invoice_date and d.protection_ends_at::date >= l.invoice_date
            where not exists (select 1 from named n where n.line_number = l.line_number)
            order by l.line_number, d.approved_at, d.id
        )
        insert into deal_sell_through (deal_id, report_id, report_number, line_number, invoice_number, invoice_date, rule, amount, linked_at)
        select deal_id, @ReportId, @ReportNumber, line_number, invoice_number, invoice_date, rule, amount, @Now
        from (select * from named union all select * from matched) m
        on conflict (report_id, line_number) do nothing
        returning deal_id, rule, line_number, invoice_date, amount
        """;

    sealed class Link
    {
        public Guid DealId { get; set; }
        public string Rule { get; set; } = "";
        public int LineNumber { get; set; }
        public DateOnly InvoiceDate { get; set; }
        public decimal Amount { get; set; }
    }

    const string Linked = "select coalesce(sum(amount), 0) from deal_sell_through where deal_id = @id";

    public Task Consume(ConsumeContext<SellThroughReported> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var report = context.Message;
            var sales = report.Lines.Where(l => l.TransactionType == SellThroughTransaction.Sale).ToList();
            if (sales.Count == 0) return;
            var now = clock.GetUtcNow();
            var links = (await tx.Connection!.QueryAsync<Link>(new CommandDefinition(LinkBatch, new
            {
                LineNumbers = sales.Select(l => l.LineNumber).ToArray(),
                Resellers = sales.Select(l => l.ResellerId).ToArray(),
                Keys = sales.Select(l => CustomerNames.Normalize(l.EndCustomerName)).ToArray(),
                Domains = sales.Select(l => l.EndCustomerDomain is null ? null : Domains.Normalize(l.EndCustomerDomain)).ToArray(),
                Families = sales.Select(l => rules.FamilyOf(l.VendorSku)).ToArray(),
                Dates = sales.Select(l => l.InvoiceDate).ToArray(),
                DealIds = sales.Select(l => l.DealId).ToArray(),
                Amounts = sales.Select(l => l.ExtendedAmount).ToArray(),
                Invoices = sales.Select(l => l.InvoiceNumber).ToArray(),
                report.ReportId,
                report.ReportNumber,
                Now = now,
            }, tx, cancellationToken: ct))).AsList();
            foreach (var group in links.GroupBy(l => l.DealId).OrderBy(g => g.Key))
            {
                var rule = group.First().Rule;
                var deal = (await Deals.Lock(tx, group.Key, ct))!;
                await deals.Linked(tx, new SellThroughLinked
                {
                    DealId = deal.Id,
                    PartnerId = deal.PartnerId,
                    ReportId = report.ReportId,
                    Batch = report.Batch,
                    DistributorId = report.DistributorId,
                    OccurredAt = now,
                    Lines = [.. group.Select(l => new LinkedSellThroughLine { LineNumber = l.LineNumber, InvoiceDate = l.InvoiceDate, Amount = l.Amount, Rule = l.Rule })],
                }, ct);
                var amount = await tx.Connection!.ExecuteScalarAsync<decimal>(new CommandDefinition(Linked, new { id = deal.Id }, tx, cancellationToken: ct));
                // An approved deal with its first sale is won; one that sell-through won follows what has sold since.
                var change = deal.Status == DealStatus.Approved
                    ? deal.Win(amount, $"sell-through:{rule}", "sell-through", now, new { actualAmount = amount, rule, report = report.ReportNumber })
                    : deal.ReviseActualAmount(amount, report.ReportNumber);
                if (change is Moved<Deal> move) await deals.Commit(tx, deal, move, "sell-through", now, ct);
            }
        });
}

/// <summary>Sell-through batches are large (a thousand lines each): a few at a time keep memory flat.</summary>
public sealed class SellThroughReportedConsumerDefinition : LargeMessages<SellThroughReportedConsumer>;
