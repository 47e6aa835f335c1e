using Channel.Contracts.Identity;
using Channel.Messaging;
using Channel.Notifications.Mail;
using MassTransit;

namespace Channel.Notifications.Consumers;

/// <summary>
/// The Identity service's mail to a person about their own account: the invitation and the reset
/// link (the link's secret is in the event and in this mail only), a changed password, a lockout.
/// Security mail: no preference turns it off.
/// </summary>
public sealed class AccountMailConsumer(Inbox<AccountMailConsumer> inbox, Mails mails, MailOptions options) :
    IConsumer<AccountInvited>, IConsumer<PasswordResetRequested>, IConsumer<AccountPasswordChanged>, IConsumer<AccountLockedOut>,
    IConsumer<AccountStatusChanged>
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

    /// <summary>Read so the event has a reader; a status change tells the person nothing they need (an admin's action).</summary>
    public Task Consume(ConsumeContext<AccountStatusChanged> context) => Task.CompletedTask;

    Task Mail<T>(ConsumeContext<T> context, string? kind, IAccountEvent e, object details) where T : class =>
        inbox.Once(context, async (tx, ct) =>
        {
            if (kind is null) return;
            await mails.Owe(tx, EventIds.Of("account", e.AccountId, e.Version), kind,
                [new Recipient(e.AccountId.ToString(), e.Account.Email, e.Account.Name)],
                r => new { vendor = options.VendorName, recipient = new { name = r.Name }, account = details, url = options.DashboardUrl.TrimEnd('/') }, ct);
        });
}
