using System.Text.Json;
using Channel.Compliance.Screening;
using Channel.Contracts.Compliance;
using Channel.Contracts.Distributors;
using Channel.Messaging;
using MassTransit;

namespace Channel.Compliance.Consumers;

/// <summary>
/// Compliance's copy of every distributor (highest version wins), screened by name (and where it operates) when it is
/// onboarded, whenever its state changes, and after every list or rule change while it is not terminated. A hold goes
/// to the compliance queue with its evidence and is announced; the first decision is always announced.
/// </summary>
public sealed class DistributorStateConsumer(Inbox<DistributorStateConsumer> inbox, Decisions decisions, TimeProvider clock)
    : IConsumer<IDistributorEvent>
{
    public Task Consume(ConsumeContext<IDistributorEvent> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var (m, d) = (context.Message, context.Message.Distributor);
            // A distributor in several countries is screened where it is first listed (rules are by country; list hits by name).
            var inputs = new Inputs { Name = d.Name, Country = d.Countries.FirstOrDefault() };
            var id = m.DistributorId.ToString();
            var live = d.Status != DistributorStatus.Terminated;
            var changed = await Subjects.Upsert(tx, ScreeningSubject.Distributor, id, m.Version, d.Name,
                JsonSerializer.Serialize(inputs, Decisions.Json), live, clock.GetUtcNow(), ct);
            if (changed == 0 || !live) return;
            if (await Decisions.Lock(tx, ScreeningSubject.Distributor, id, ct) is { } subject)
                await decisions.Screen(tx, subject, m.GetType().Name, null, "compliance", announce: subject.Sequence == 0, ct);
        });
}
