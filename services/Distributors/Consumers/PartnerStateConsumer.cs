using Channel.Contracts.Partners;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Distributors.Consumers;

/// <summary>
/// The Distributors service's copy of the partners, from every partner event (highest version wins),
/// and the rule that follows from it: a partner that is no longer active loses its distributor
/// authorizations, and so does one that became active again since an authorization was granted (it
/// was suspended or terminated in between, even if that event was overtaken by a later one). A hold
/// only pauses them: they stand again, as they were, when the partner is active again.
/// </summary>
public sealed class PartnerStateConsumer(Inbox<PartnerStateConsumer> inbox, Distributors distributors) : IConsumer<IPartnerEvent>
{
    const string Upsert = """
        insert into partners (id, legal_name, country, region, status, tier, version, active_since_version)
        values (@PartnerId, @LegalName, @Country, @Region, @Status, @Tier, @Version, @ActiveSinceVersion)
        on conflict (id) do update set legal_name = excluded.legal_name, country = excluded.country, region = excluded.region,
            status = excluded.status, tier = excluded.tier, version = excluded.version, active_since_version = excluded.active_since_version
        where partners.version < excluded.version
        """;

    public Task Consume(ConsumeContext<IPartnerEvent> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var (m, p) = (context.Message, context.Message.Partner);
            var applied = await tx.Connection!.ExecuteAsync(new CommandDefinition(Upsert,
                new { m.PartnerId, m.Version, p.LegalName, p.Country, p.Region, p.Status, p.Tier, p.ActiveSinceVersion }, tx, cancellationToken: ct)) > 0;
            // A stale event (the copy already has a newer state) changes nothing: the newer one did the work.
            if (!applied) return;
            var active = p.Status == PartnerStatus.Active;
            var reason = active
                ? $"the partner was suspended or terminated since this authorization (active again since its version {p.ActiveSinceVersion})"
                : p.Status == PartnerStatus.OnHold ? "partner on hold (restored when the hold is cleared)" : $"partner {p.Status}";
            await distributors.EndAuthorizations(tx, m.PartnerId, active, p.ActiveSinceVersion, reason, m.OccurredAt, ct, paused: p.Status == PartnerStatus.OnHold);
            if (active) await distributors.RestoreAuthorizations(tx, m.PartnerId, m.Version, m.OccurredAt, ct);
        });
}
