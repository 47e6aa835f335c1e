using Channel.Contracts.Compliance;
using Channel.Contracts.Pricing;
using Channel.Messaging;
using MassTransit;

namespace Channel.Pricing.Consumers;

/// <summary>
/// Compliance's decisions on price authorizations themselves (a SKU a family line prices, screened with the deal's customer),
/// applied in the order Compliance made them (its sequence per PA; an older decision arriving late changes nothing): a
/// hold suspends the PA, a clearance lifts that hold, a refusal revokes it.
/// </summary>
public sealed class ScreeningDecidedConsumer(Inbox<ScreeningDecidedConsumer> inbox, Ledger ledger, TimeProvider clock) : IConsumer<ScreeningDecided>
{
    public Task Consume(ConsumeContext<ScreeningDecided> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var m = context.Message;
            if (m.SubjectKind != ScreeningSubject.PriceAuthorization || !Guid.TryParse(m.SubjectId, out var id)) return;
            if (await Ledger.Lock(tx, id, ct) is not { } pa || m.Sequence <= pa.ScreeningSequence) return;
            var now = clock.GetUtcNow();
            var screened = pa with { ScreeningSequence = m.Sequence };
            var held = screened.Holds.Contains(AuthorizationHolds.Authorization);
            var move = m.Outcome switch
            {
                ScreeningOutcome.Block => screened.Revoke($"refused by compliance: {m.Reason}", m.Actor, now),
                ScreeningOutcome.Review when !held => screened.Hold(AuthorizationHolds.Authorization, "compliance is reviewing the authorization", m.Actor, now),
                ScreeningOutcome.Clear when held => screened.Release(AuthorizationHolds.Authorization, m.Actor, now),
                _ => null,
            };
            if (move is Moved<PriceAuthorization> moved) await ledger.Commit(tx, pa, moved, m.Actor, now, ct);
            else await Ledger.ScreeningApplied(tx, id, m.Sequence, ct);
        });
}
