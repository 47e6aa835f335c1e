using Channel.Contracts.Partners;
using Channel.Messaging;
using MassTransit;

namespace Channel.Identity.Consumers;

/// <summary>
/// A partner's status (its users sign in only while it is active; its suspension or termination
/// revokes their tokens at once) and its users, who become accounts and get their invitation.
/// </summary>
public sealed class PartnerEventsConsumer(Inbox<PartnerEventsConsumer> inbox, Accounts accounts) : IConsumer<IPartnerEvent>
{
    public Task Consume(ConsumeContext<IPartnerEvent> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var e = context.Message;
            await accounts.Organisation(tx, OrganisationKind.Partner, e.PartnerId, e.Partner.LegalName, e.Partner.Status == PartnerStatus.Active, e.Version, ct);
            var (user, removed, actor) =
                context.TryGetMessage<PartnerUserAdded>(out var added) ? (added.Message.User, false, added.Message.Actor)
                : context.TryGetMessage<PartnerUserRoleChanged>(out var changed) ? (changed.Message.User, false, changed.Message.Actor)
                : context.TryGetMessage<PartnerUserRemoved>(out var gone) ? (gone.Message.User, true, gone.Message.Actor)
                : (null, false, "");
            if (user is not null)
                await accounts.FromOrganisation(tx, OrganisationKind.Partner, e.PartnerId, user.UserId, user.Name, user.Email, user.Role, removed, e.Version,
                    actor, ct);
            else if (context.TryGetMessage<PartnerStateReplayed>(out var replayed) && replayed.Message.Users is { } users)
                foreach (var u in users)
                    await accounts.FromOrganisation(tx, OrganisationKind.Partner, e.PartnerId, u.UserId, u.Name, u.Email, u.Role, false, e.Version, "replay", ct);
        });
}
