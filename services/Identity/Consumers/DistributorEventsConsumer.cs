using Channel.Contracts.Distributors;
using Channel.Messaging;
using MassTransit;

namespace Channel.Identity.Consumers;

/// <summary>A distributor (its name for the invitation, whether it is active) and its users, who become accounts and get their invitation.</summary>
public sealed class DistributorEventsConsumer(Inbox<DistributorEventsConsumer> inbox, Accounts accounts) : IConsumer<IDistributorEvent>
{
    public Task Consume(ConsumeContext<IDistributorEvent> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var e = context.Message;
            // A suspended or terminated distributor's users may not sign in, and their tokens end now.
            await accounts.Organisation(tx, OrganisationKind.Distributor, e.DistributorId, e.Distributor.Name,
                e.Distributor.Status == DistributorStatus.Active, e.Version, ct);
            var (user, removed, actor) =
                context.TryGetMessage<DistributorUserAdded>(out var added) ? (added.Message.User, false, added.Message.Actor)
                : context.TryGetMessage<DistributorUserRoleChanged>(out var changed) ? (changed.Message.User, false, changed.Message.Actor)
                : context.TryGetMessage<DistributorUserRemoved>(out var gone) ? (gone.Message.User, true, gone.Message.Actor)
                : (null, false, "");
            if (user is not null)
                await accounts.FromOrganisation(tx, OrganisationKind.Distributor, e.DistributorId, user.UserId, user.Name, user.Email, user.Role, removed,
                    e.Version, actor, ct);
            else if (context.TryGetMessage<DistributorStateReplayed>(out var replayed) && replayed.Message.Users is { } users)
                foreach (var u in users)
                    await accounts.FromOrganisation(tx, OrganisationKind.Distributor, e.DistributorId, u.UserId, u.Name, u.Email, u.Role, false, e.Version,
                        "replay", ct);
        });
}
