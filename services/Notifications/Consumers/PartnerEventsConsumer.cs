using Channel.Contracts.Partners;
using Channel.Messaging;
using MassTransit;

namespace Channel.Notifications.Consumers;

/// <summary>A partner's status and its users, from every partner event.</summary>
public sealed class PartnerEventsConsumer(Inbox<PartnerEventsConsumer> inbox) : IConsumer<IPartnerEvent>
{
    public Task Consume(ConsumeContext<IPartnerEvent> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var e = context.Message;
            await Recipients.Owner(tx, Recipients.Partner, e.PartnerId, e.Partner.LegalName, e.Partner.Status, e.Version, ct);
            // The message is read as the interface; what kind of event it is, the envelope says.
            var (user, removed) =
                context.TryGetMessage<PartnerUserAdded>(out var added) ? (added.Message.User, false)
                : context.TryGetMessage<PartnerUserRoleChanged>(out var changed) ? (changed.Message.User, false)
                : context.TryGetMessage<PartnerUserRemoved>(out var gone) ? (gone.Message.User, true)
                : (null, false);
            if (user is not null)
                await Recipients.User(tx, Recipients.Partner, e.PartnerId, user.UserId, user.Name, user.Email, user.Role, removed, e.Version, ct);
            else if (context.TryGetMessage<PartnerStateReplayed>(out var replayed) && replayed.Message.Users is { } users)
                await Recipients.Users(tx, Recipients.Partner, e.PartnerId, e.Version, users.Select(u => (u.UserId, u.Name, u.Email, u.Role)), ct);
        });
}
