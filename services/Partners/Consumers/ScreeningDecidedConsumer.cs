using Channel.Contracts.Compliance;
using Channel.Messaging;
using MassTransit;

namespace Channel.Partners.Consumers;

/// <summary>
/// The Compliance service's decisions on partners, applied in the order it made them (its sequence per partner; an older
/// decision arriving late changes nothing): an application or an active partner held, or released when compliance clears it.
/// </summary>
public sealed class ScreeningDecidedConsumer(Inbox<ScreeningDecidedConsumer> inbox, Partners partners, TimeProvider clock) : IConsumer<ScreeningDecided>
{
    public Task Consume(ConsumeContext<ScreeningDecided> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var m = context.Message;
            if (m.SubjectKind != ScreeningSubject.Partner || !Guid.TryParse(m.SubjectId, out var id)) return;
            if (await Partners.Lock(tx, id, ct) is not { } partner) return;
            if (partner.Screened(m.Outcome, m.Reason, m.Sequence, m.Actor) is Moved<Partner> move)
                await partners.Commit(tx, partner, move, m.Actor, clock.GetUtcNow(), ct);
        });
}
