using System.Text.Json;
using Channel.Compliance.Screening;
using Channel.Contracts.Compliance;
using Channel.Contracts.Distributors;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Compliance.Consumers;

/// <summary>
/// Every accepted sell-through line is screened as a sale: its end customer's name and domain, country and SKU. A sale is
/// already made, so nothing is refused: a line with a list hit, a government domain or a restricted rule is flagged (a
/// decision, announced, and an item in the compliance queue); a clear line is kept without a decision of its own. Lines
/// stay live for twelve months after their invoice date, so a list or rule change screens that year's sales again.
/// </summary>
public sealed class SellThroughConsumer(Inbox<SellThroughConsumer> inbox, Decisions decisions, TimeProvider clock)
    : IConsumer<SellThroughReported>
{
    /// <summary>How long after its invoice a sale is screened again when a list or rule changes.</summary>
    public const int LiveMonths = 12;

    // A clear line is saved as screened clear (no decision row: most sales are clear, and a report can be a million lines).
    const string Insert = """
        insert into subjects (kind, id, version, name, inputs, live, live_until, outcome, reason, updated_at)
        select 'sale', l.id, 1, l.name, l.inputs::jsonb, l.live_until >= @Today, l.live_until, 'clear', 'Screened clear', @Now
        from unnest(@Ids::text[], @Names::text[], @Inputs::text[], @LiveUntil::date[]) as l(id, name, inputs, live_until)
        on conflict (kind, id) do nothing
        """;

    public Task Consume(ConsumeContext<SellThroughReported> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var m = context.Message;
            var conn = tx.Connection!;
            var now = clock.GetUtcNow();
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            var lines = m.Lines.Select(l => (Id: $"{m.ReportId}:{l.LineNumber}", Line: l, Inputs: Of(l))).ToList();
            await conn.ExecuteAsync(new CommandDefinition(Insert, new
            {
                Ids = lines.Select(l => l.Id).ToArray(),
                Names = lines.Select(l => l.Line.EndCustomerName).ToArray(),
                Inputs = lines.Select(l => JsonSerializer.Serialize(l.Inputs, Decisions.Json)).ToArray(),
                LiveUntil = lines.Select(l => l.Line.InvoiceDate.AddMonths(LiveMonths)).ToArray(),
                Today = today,
                Now = now,
            }, tx, cancellationToken: ct));
            // One read of the versions in force for the whole batch; only the lines that are not clear are decided one by one.
            var versions = await Catalog.At(conn, tx, null, ct);
            var none = new HashSet<string>();
            foreach (var (id, _, inputs) in lines)
            {
                var verdict = await decisions.Evaluate(conn, tx, inputs, null, none, ct, versions);
                if (verdict.Outcome == ScreeningOutcome.Clear) continue;
                if (await Decisions.Lock(tx, ScreeningSubject.Sale, id, ct) is { Sequence: 0 } subject)
                    await decisions.Screen(tx, subject, nameof(SellThroughReported), null, "compliance", announce: false, ct, versions);
            }
        });

    /// <summary>What a sale says about its end customer: no customer type (a distributor's report names none) and the SKU sold.</summary>
    public static Inputs Of(SellThroughLine line) => new()
    {
        Name = line.EndCustomerName,
        Domain = line.EndCustomerDomain,
        Country = line.EndCustomerCountry,
        Region = line.EndCustomerRegion,
        Products = [line.VendorSku],
    };
}

/// <summary>Sell-through batches are large (a thousand lines each): a few at a time keep memory flat.</summary>
public sealed class SellThroughConsumerDefinition : LargeMessages<SellThroughConsumer>;
