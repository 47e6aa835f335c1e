using Channel.Contracts.Distributors;
using Channel.Messaging;
using Channel.Notifications.Mail;
using MassTransit;

namespace Channel.Notifications.Consumers;

/// <summary>
/// Tells both sides of a reseller authorization what changed: the partner's users that a
/// distributor may now serve them (in which regions) or no longer does (and why), and the
/// distributor's users the same about the partner.
/// </summary>
public sealed class AuthorizationMailConsumer(Inbox<AuthorizationMailConsumer> inbox, Mails mails, MailOptions options) :
    IConsumer<ResellerAuthorized>, IConsumer<ResellerAuthorizationRevoked>
{
    public Task Consume(ConsumeContext<ResellerAuthorized> context) =>
        Mail(context, "authorization-granted", context.Message.AuthorizationId, context.Message.Version, context.Message.Authorization, null);

    public Task Consume(ConsumeContext<ResellerAuthorizationRevoked> context) =>
        Mail(context, "authorization-revoked", context.Message.AuthorizationId, context.Message.Version, context.Message.Authorization,
            context.Message.Reason);

    Task Mail<T>(ConsumeContext<T> context, string kind, Guid authorizationId, int version, ResellerAuthorizationState a, string? reason)
        where T : class =>
        inbox.Once(context, async (tx, ct) =>
        {
            // The names this service keeps, else those the event carries (it may arrive before either owner's first event).
            var partner = await Recipients.OwnerName(tx, Recipients.Partner, a.PartnerId, ct) ?? a.PartnerName ?? "a partner";
            var distributor = await Recipients.OwnerName(tx, Recipients.Distributor, a.DistributorId, ct) ?? a.DistributorName ?? "a distributor";
            var regions = string.Join(", ", a.Regions);
            var dashboard = options.DashboardUrl.TrimEnd('/');
            var eventId = EventIds.Of("authorization", authorizationId, version);
            object Model(Recipient r, bool toPartner) => new
            {
                vendor = options.VendorName,
                recipient = new { name = r.Name },
                to_partner = toPartner,
                partner,
                distributor,
                regions,
                reason = reason ?? "",
                url = toPartner ? $"{dashboard}/#/distributors?distributor={a.DistributorId}" : $"{dashboard}/#/resellers?partner={a.PartnerId}",
            };
            await mails.Owe(tx, eventId, kind, await Recipients.Of(tx, Recipients.Partner, a.PartnerId, ct), r => Model(r, true), ct);
            await mails.Owe(tx, eventId, kind, await Recipients.Of(tx, Recipients.Distributor, a.DistributorId, ct), r => Model(r, false), ct);
        });
}
