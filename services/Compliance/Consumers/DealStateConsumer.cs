using System.Text.Json;
using Channel.Compliance.Screening;
using Channel.Contracts.Compliance;
using Channel.Contracts.Deals;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Compliance.Consumers;

/// <summary>
/// Compliance's copy of every deal registration (highest version wins, whatever order events arrive in), screened when
/// Deals asks (a registration or a resubmission waits with its screening pending) and kept live while the deal is open,
/// so a list or rule change screens it again. A deal that closes leaves the compliance queue.
/// </summary>
public sealed class DealStateConsumer(Inbox<DealStateConsumer> inbox, Decisions decisions, TimeProvider clock) : IConsumer<IDealEvent>
{
    const string Upsert = """
        insert into subjects (kind, id, version, name, inputs, live, updated_at)
        values (@Kind, @Id, @Version, @Name, @Inputs::jsonb, @Live, @Now)
        on conflict (kind, id) do update set version = excluded.version, name = excluded.name, inputs = excluded.inputs, live = excluded.live,
            review = case when excluded.live then subjects.review when subjects.review = 'open' then null else subjects.review end
        where subjects.version < excluded.version
        """;

    public Task Consume(ConsumeContext<IDealEvent> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var (m, d) = (context.Message, context.Message.Deal);
            var inputs = new Inputs
            {
                Name = d.CustomerName,
                Domain = d.CustomerDomain,
                Country = d.CustomerCountry,
                Region = d.CustomerRegion,
                CustomerType = d.CustomerType ?? d.CustomerSector,
                FundingSource = d.FundingSource,
                Products = [.. d.ProductFamilies.Concat((d.Lines ?? []).Select(l => l.Sku).OfType<string>()).Distinct()],
                Attestation = d.AttestationVersion,
            };
            var id = m.DealId.ToString();
            var changed = await tx.Connection!.ExecuteAsync(new CommandDefinition(Upsert, new
            {
                Kind = ScreeningSubject.Deal,
                Id = id,
                m.Version,
                Name = d.CustomerName,
                Inputs = JsonSerializer.Serialize(inputs, Decisions.Json),
                Live = DealStatus.InPipeline.Contains(d.Status),
                Now = clock.GetUtcNow(),
            }, tx, cancellationToken: ct));
            if (changed == 0 || d.Screening != ScreeningOutcome.Pending) return;
            if (await Decisions.Lock(tx, ScreeningSubject.Deal, id, ct) is { } subject && subject.ScreenedVersion < m.Version)
                await decisions.Screen(tx, subject, m.GetType().Name, null, "compliance", announce: true, ct);
        });
}
