using Channel.Contracts.Compliance;
using Channel.Messaging;
using MassTransit;

namespace Channel.Deals.Consumers;

/// <summary>
/// Compliance's decisions on registrations, applied in the order Compliance made them (its sequence per deal; an older
/// decision arriving late changes nothing): held, refused, or cleared back to the normal queue.
/// </summary>
public sealed class ScreeningDecidedConsumer(Inbox<ScreeningDecidedConsumer> inbox, Deals deals, TimeProvider clock) : IConsumer<ScreeningDecided>
{
    public Task Consume(ConsumeContext<ScreeningDecided> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var m = context.Message;
            if (m.SubjectKind != ScreeningSubject.Deal || !Guid.TryParse(m.SubjectId, out var id)) return;
            var deal = await Deals.Lock(tx, id, ct);
            if (deal is null || m.Sequence <= deal.ScreeningSequence) return;
            var now = clock.GetUtcNow();
            if (deal.Screened(m.Outcome, m.Reason, m.Citation, m.Sequence, m.Actor, now) is Moved<Deal> move)
                await deals.Commit(tx, deal, move, m.Actor, now, ct);
        });
}
