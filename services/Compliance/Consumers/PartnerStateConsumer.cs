using System.Text.Json;
using Channel.Compliance.Screening;
using Channel.Contracts.Compliance;
using Channel.Contracts.Partners;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Compliance.Consumers;

/// <summary>
/// Compliance's copy of every partner (highest version wins), screened by name, domain and country: an application when
/// it arrives, a live partner again whenever its state changes and whenever a list or rule changes. The first decision
/// is always announced (Partners waits for it); later ones only when the outcome or its evidence changed.
/// </summary>
public sealed class PartnerStateConsumer(Inbox<PartnerStateConsumer> inbox, Decisions decisions, TimeProvider clock) : IConsumer<IPartnerEvent>
{
    static readonly string[] Live = [PartnerStatus.Applied, PartnerStatus.OnHold, PartnerStatus.Active, PartnerStatus.Suspended];

    public Task Consume(ConsumeContext<IPartnerEvent> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var (m, p) = (context.Message, context.Message.Partner);
            var inputs = new Inputs { Name = p.LegalName, Domain = p.WebsiteDomain, Country = p.Country, Region = p.Region };
            var id = m.PartnerId.ToString();
            var changed = await Subjects.Upsert(tx, ScreeningSubject.Partner, id, m.Version, p.LegalName,
                JsonSerializer.Serialize(inputs, Decisions.Json), Live.Contains(p.Status), clock.GetUtcNow(), ct);
            if (changed == 0 || !Live.Contains(p.Status)) return;
            if (await Decisions.Lock(tx, ScreeningSubject.Partner, id, ct) is { } subject)
                await decisions.Screen(tx, subject, m.GetType().Name, null, "compliance", announce: subject.Sequence == 0, ct);
        });
}
