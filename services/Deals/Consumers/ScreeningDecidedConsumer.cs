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
            if (await Deals.Lock(tx, id, ct) is not { } deal) return;
            var now = clock.GetUtcNow();
            // An older decision than the one applied is refused by the deal itself, and changes nothing.
            if (deal.Screened(m.Outcome, m.Reason, m.Citation, m.Sequence, m.SubjectVersion, m.Actor, now) is Moved<Deal> move)
                await deals.Commit(tx, deal, move, m.Actor, now, ct);
        });
}
