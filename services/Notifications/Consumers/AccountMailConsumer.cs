using Channel.Contracts.Identity;
using Channel.Messaging;
using Channel.Notifications.Mail;
using MassTransit;

namespace Channel.Notifications.Consumers;

/// <summary>
/// The Identity service's mail to a person about their own account: the invitation and the reset
/// link (the link's secret is in the event and in this mail only), a changed password, a lockout.
/// Security mail: no preference turns it off. Every account event also keeps the vendor's staff (who hears
/// about applications, registrations, digests) as their accounts are.
/// </summary>
public sealed class AccountMailConsumer(Inbox<AccountMailConsumer> inbox, Mails mails, MailOptions options) :
    IConsumer<AccountInvited>, IConsumer<PasswordResetRequested>, IConsumer<AccountPasswordChanged>, IConsumer<AccountLockedOut>,
    IConsumer<AccountStatusChanged>, IConsumer<StaffAccountChanged>
{
    public Task Consume(ConsumeContext<AccountInvited> context) =>
        Mail(context, "account-invited", context.Message, new
        {
            link = context.Message.Link,
            expires = context.Message.ExpiresAt.ToString("d MMMM yyyy HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
            organisation = context.Message.OrganisationName ?? "",
        });

    public Task Consume(ConsumeContext<PasswordResetRequested> context) =>
        Mail(context, "password-reset", context.Message, new
        {
            link = context.Message.Link,
            expires = context.Message.ExpiresAt.ToString("d MMMM yyyy HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
            organisation = "",
        });

    public Task Consume(ConsumeContext<AccountPasswordChanged> context) =>
        // The first password is the person's own doing a moment ago: nothing to warn of.
        Mail(context, context.Message.FirstPassword ? null : "password-changed", context.Message, new { link = "", expires = "", organisation = "" });

    public Task Consume(ConsumeContext<AccountLockedOut> context) =>
        Mail(context, "account-locked", context.Message, new
        {
            link = "",
            expires = context.Message.LockedUntil.ToString("HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
            organisation = "",
        });

    /// <summary>No mail (an admin's action), but a disabled or removed staff member no longer hears about the channel.</summary>
    public Task Consume(ConsumeContext<AccountStatusChanged> context) => Mail(context, null, context.Message, new { });

    /// <summary>No mail: a staff member's role or name from their own provider, for who hears about what.</summary>
    public Task Consume(ConsumeContext<StaffAccountChanged> context) => Mail(context, null, context.Message, new { });

    Task Mail<T>(ConsumeContext<T> context, string? kind, IAccountEvent e, object details) where T : class =>
        inbox.Once(context, async (tx, ct) =>
        {
            await Recipients.StaffAccount(tx, e.AccountId, e.Version, e.Account, ct);
            if (kind is null) return;
            await mails.Owe(tx, EventIds.Of("account", e.AccountId, e.Version), kind,
                [new Recipient(e.AccountId.ToString(), e.Account.Email, e.Account.Name)],
                r => new { vendor = options.VendorName, portal = options.Portal, recipient = new { name = r.Name }, account = details, url = options.DashboardUrl.TrimEnd('/') }, ct);
        });
}
