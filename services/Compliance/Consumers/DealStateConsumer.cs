using System.Text.Json;
using Channel.Compliance.Screening;
using Channel.Contracts.Compliance;
using Channel.Contracts.Deals;
using Channel.Messaging;
using MassTransit;

namespace Channel.Compliance.Consumers;

/// <summary>
/// Compliance's copy of every deal registration (highest version wins, whatever order events arrive in), screened when
/// Deals asks (a registration or a resubmission waits with its screening pending) and kept live while the deal is open,
/// so a list or rule change screens it again. A deal that closes leaves the compliance queue.
/// </summary>
public sealed class DealStateConsumer(Inbox<DealStateConsumer> inbox, Decisions decisions, TimeProvider clock) : IConsumer<IDealEvent>
{
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
            var changed = await Subjects.Upsert(tx, ScreeningSubject.Deal, id, m.Version, d.CustomerName,
                JsonSerializer.Serialize(inputs, Decisions.Json), DealStatus.InPipeline.Contains(d.Status), clock.GetUtcNow(), ct);
            if (changed == 0 || d.Screening != ScreeningOutcome.Pending) return;
            if (await Decisions.Lock(tx, ScreeningSubject.Deal, id, ct) is { } subject && subject.ScreenedVersion < m.Version)
                await decisions.Screen(tx, subject, m.GetType().Name, null, "compliance", announce: true, ct);
        });
}
