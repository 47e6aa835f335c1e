using Channel.Contracts.Deals;
using Channel.Contracts.Distributors;
using Channel.Deals.Rules;
using Channel.Hosting.Messaging;
using Channel.Hosting.Text;
using Dapper;
using MassTransit;
using Npgsql;

namespace Channel.Deals.Consumers;

/// <summary>
/// Links sell-through to registered deals: a sale line that names a deal of its reseller, or that
/// matches an approved deal by reseller + normalised end customer (or domain) + product family with
/// its invoice date inside the protection period. The link and the rule that made it are kept; an
/// approved deal that gets its first link is closed as won with the amount sold.
/// </summary>
public sealed class SellThroughReportedConsumer(Inbox inbox, Outbox outbox, DealRules rules, TimeProvider clock)
    : IConsumer<SellThroughReported>
{
    const string ByDealId = $"""
        select {Deals.Columns} from deals
        where id = @DealId and partner_id = @ResellerId and status in ('approved', 'won')
        for no key update
        """;

    const string ByMatch = $"""
        select {Deals.Columns} from deals
        where partner_id = @ResellerId and status in ('approved', 'won')
          and (customer_key = @Key or (@Domain::text is not null and customer_domain = @Domain))
          and @Family = any(product_families)
          and approved_at::date <= @InvoiceDate and protection_ends_at::date >= @InvoiceDate
        order by approved_at, id
        limit 1
        for no key update
        """;

    const string Link = """
        insert into deal_sell_through (deal_id, report_id, report_number, line_number, invoice_number, invoice_date, rule, amount, linked_at)
        values (@DealId, @ReportId, @ReportNumber, @LineNumber, @InvoiceNumber, @InvoiceDate, @Rule, @Amount, @Now)
        on conflict (report_id, line_number) do nothing
        """;

    const string Linked = "select coalesce(sum(amount), 0) from deal_sell_through where deal_id = @id";

    public Task Consume(ConsumeContext<SellThroughReported> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var report = context.Message;
            var now = clock.GetUtcNow();
            var touched = new Dictionary<Guid, (Deal Deal, string Rule)>();
            foreach (var line in report.Lines.Where(l => l.TransactionType == "sale"))
            {
                var (deal, rule) = await Match(tx, line, ct);
                if (deal is null) continue;
                var inserted = await tx.Connection!.ExecuteAsync(new CommandDefinition(Link, new
                {
                    DealId = deal.Id,
                    report.ReportId,
                    report.ReportNumber,
                    line.LineNumber,
                    line.InvoiceNumber,
                    line.InvoiceDate,
                    Rule = rule,
                    Amount = line.ExtendedAmount,
                    Now = now,
                }, tx, cancellationToken: ct));
                if (inserted > 0) touched.TryAdd(deal.Id, (touched.TryGetValue(deal.Id, out var seen) ? seen.Deal : deal, rule));
            }
            foreach (var (deal, rule) in touched.Values)
            {
                var amount = await tx.Connection!.ExecuteScalarAsync<decimal>(new CommandDefinition(Linked, new { id = deal.Id }, tx, cancellationToken: ct));
                if (deal.Status == Status.Approved)
                {
                    deal.Status = Status.Won;
                    deal.ActualAmount = amount;
                    deal.WonSource = $"sell-through:{rule}";
                    deal.ClosedAt = now;
                    await Deals.Save(tx, deal, now, ct);
                    await Deals.History(tx, deal, "won", "sell-through", null,
                        new { actualAmount = amount, rule, report = report.ReportNumber }, now, ct);
                    await outbox.Add(tx, new DealWon
                    {
                        DealId = deal.Id,
                        Version = deal.Version,
                        OccurredAt = now,
                        Actor = "sell-through",
                        Source = deal.WonSource,
                        Deal = deal.State(),
                    }, ct);
                }
                else if (deal.WonSource?.StartsWith("sell-through", StringComparison.Ordinal) == true && deal.ActualAmount != amount)
                {
                    // More of the same order reported later: the actual amount is what sold.
                    deal.ActualAmount = amount;
                    await Deals.Save(tx, deal, now, ct);
                    await Deals.History(tx, deal, "sell_through_linked", "sell-through", null, new { actualAmount = amount, report = report.ReportNumber }, now, ct);
                }
            }
        });

    async Task<(Deal? Deal, string Rule)> Match(NpgsqlTransaction tx, SellThroughLine line, CancellationToken ct)
    {
        if (line.DealId is { } dealId)
        {
            var named = await tx.Connection!.QuerySingleOrDefaultAsync<Deal>(new CommandDefinition(ByDealId,
                new { DealId = dealId, line.ResellerId }, tx, cancellationToken: ct));
            if (named is not null) return (named, "deal_id");
        }
        var matched = await tx.Connection!.QuerySingleOrDefaultAsync<Deal>(new CommandDefinition(ByMatch, new
        {
            line.ResellerId,
            Key = Names.Normalize(line.EndCustomerName),
            Domain = line.EndCustomerDomain is null ? null : Names.Domain(line.EndCustomerDomain),
            Family = rules.FamilyOf(line.VendorSku),
            line.InvoiceDate,
        }, tx, cancellationToken: ct));
        return (matched, "reseller_customer_family");
    }
}
