using Channel.Contracts.Distributors;
using Channel.Contracts.Partners;
using Channel.Messaging;
using MassTransit;

namespace Channel.Notifications.Consumers;

/// <summary>A distributor and its users, from every distributor event.</summary>
public sealed class DistributorEventsConsumer(Inbox<DistributorEventsConsumer> inbox) : IConsumer<IDistributorEvent>
{
    public Task Consume(ConsumeContext<IDistributorEvent> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var e = context.Message;
            // A suspended or terminated distributor's users hear nothing more (the same statuses as a partner's).
            await Recipients.Owner(tx, Recipients.Distributor, e.DistributorId, e.Distributor.Name, e.Distributor.Status, e.Version, ct);
            // The message is read as the interface; what kind of event it is, the envelope says.
            var (user, removed) =
                context.TryGetMessage<DistributorUserAdded>(out var added) ? (added.Message.User, false)
                : context.TryGetMessage<DistributorUserRoleChanged>(out var changed) ? (changed.Message.User, false)
                : context.TryGetMessage<DistributorUserRemoved>(out var gone) ? (gone.Message.User, true)
                : (null, false);
            if (user is not null)
                await Recipients.User(tx, Recipients.Distributor, e.DistributorId, user.UserId, user.Name, user.Email, user.Role, removed, e.Version, ct);
            else if (context.TryGetMessage<DistributorStateReplayed>(out var replayed) && replayed.Message.Users is { } users)
                await Recipients.Users(tx, Recipients.Distributor, e.DistributorId, e.Version, users.Select(u => (u.UserId, u.Name, u.Email, u.Role)), ct);
        });
}
