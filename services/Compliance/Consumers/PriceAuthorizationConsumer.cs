using System.Text.Json;
using Channel.Compliance.Screening;
using Channel.Contracts.Compliance;
using Channel.Contracts.Pricing;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Compliance.Consumers;

/// <summary>
/// Compliance's copy of every price authorization (highest version wins), screened once when it is issued and again
/// after every list or rule change while it is open: its deal's customer (as Compliance keeps the deal) with every SKU it
/// prices — a family line prices SKUs the registration never named, which a rule on a SKU pattern may cover. What the
/// deal's own screening answered does not hold the PA again (<see cref="Decisions.Cleared"/>). The first decision is
/// announced (Pricing keeps its sequence); later ones when the outcome or evidence changed.
/// </summary>
public sealed class PriceAuthorizationConsumer(Inbox<PriceAuthorizationConsumer> inbox, Decisions decisions, TimeProvider clock)
    : IConsumer<IPriceAuthorizationEvent>
{
    static readonly string[] Open = [PriceAuthorizationStatus.PendingApproval, PriceAuthorizationStatus.Active, PriceAuthorizationStatus.Suspended];

    public Task Consume(ConsumeContext<IPriceAuthorizationEvent> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var (m, a) = (context.Message, context.Message.Authorization);
            var deal = await tx.Connection!.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                "select inputs::text from subjects where kind = @kind and id = @id",
                new { kind = ScreeningSubject.Deal, id = a.DealId.ToString() }, tx, cancellationToken: ct));
            var customer = deal is null ? new Inputs { Name = a.CustomerName, Country = a.CustomerCountry, Region = a.CustomerRegion }
                : JsonSerializer.Deserialize<Inputs>(deal, Decisions.Json)!;
            var products = customer.Products.Concat(a.Lines.Select(l => l.ProductFamily))
                .Concat(a.Lines.SelectMany(l => l.Prices.Select(p => p.Sku))).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            var inputs = customer with { Products = products, Parent = a.DealId.ToString() };
            var id = m.AuthorizationId.ToString();
            var live = Open.Contains(a.Status);
            var changed = await Subjects.Upsert(tx, ScreeningSubject.PriceAuthorization, id, m.Version, $"{a.Number} · {a.CustomerName}",
                JsonSerializer.Serialize(inputs, Decisions.Json), live, clock.GetUtcNow(), ct);
            if (changed == 0 || !live) return;
            if (await Decisions.Lock(tx, ScreeningSubject.PriceAuthorization, id, ct) is { Sequence: 0 } subject)
                await decisions.Screen(tx, subject, m.GetType().Name, null, "compliance", announce: true, ct);
        });
}
