using Channel.Contracts.Partners;
using Channel.Messaging;
using Channel.Notifications.Mail;
using MassTransit;

namespace Channel.Notifications.Consumers;

/// <summary>
/// Tells whoever applied for a partner that the application was received, then approved (with the
/// tier) or rejected (with why). The applicant is the event's contact (the partner's users, added
/// once it is approved, are invited by the identity service).
/// </summary>
public sealed class ApplicationMailConsumer(Inbox<ApplicationMailConsumer> inbox, Mails mails, MailOptions options) :
    IConsumer<PartnerApplied>, IConsumer<PartnerApproved>, IConsumer<PartnerRejected>
{
    public Task Consume(ConsumeContext<PartnerApplied> context) =>
        Mail(context, "application-received", context.Message, context.Message.Contact, null);

    public Task Consume(ConsumeContext<PartnerApproved> context) =>
        Mail(context, "application-approved", context.Message, context.Message.Contact, null);

    public Task Consume(ConsumeContext<PartnerRejected> context) =>
        Mail(context, "application-rejected", context.Message, context.Message.Contact, context.Message.Reason);

    Task Mail<T>(ConsumeContext<T> context, string kind, IPartnerEvent e, PartnerContact? contact, string? reason) where T : class =>
        inbox.Once(context, async (tx, ct) =>
        {
            var recipients = new List<Recipient>();
            if (contact is not null) recipients.Add(new Recipient($"contact {e.PartnerId}", contact.Email, contact.Name));
            var partner = new
            {
                name = e.Partner.LegalName,
                tier = e.Partner.Tier ?? "",
                url = options.DashboardUrl.TrimEnd('/'),
            };
            await mails.Owe(tx, EventIds.Of("partner", e.PartnerId, e.Version), kind, recipients,
                r => new { vendor = options.VendorName, portal = options.Portal, recipient = new { name = r.Name }, partner, reason = reason ?? "" }, ct);
        });
}
