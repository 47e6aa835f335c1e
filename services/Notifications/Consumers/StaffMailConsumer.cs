using System.Globalization;
using Channel.Contracts.Deals;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Messaging;
using Channel.Notifications.Mail;
using MassTransit;
using Npgsql;

namespace Channel.Notifications.Consumers;

/// <summary>
/// Tells the channel managers what waits for them: a new partner application, a new deal
/// registration (each one, unless they chose the daily digest), a registration Compliance holds for
/// review (with the public reason: a rule's citation, or a possible list match), and a registration
/// whose approval is overdue. Each registration is also kept
/// for the digest.
/// </summary>
public sealed class StaffMailConsumer(Inbox<StaffMailConsumer> inbox, Mails mails, MailOptions options) :
    IConsumer<PartnerApplied>, IConsumer<DealRegistered>, IConsumer<DealScreened>, IConsumer<DealApprovalOverdue>
{
    Task<IReadOnlyList<Recipient>> Managers(NpgsqlTransaction tx, CancellationToken ct) => Recipients.Staff(tx, options, ct, Roles.ChannelManager, Roles.Admin);

    public Task Consume(ConsumeContext<PartnerApplied> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var e = context.Message;
            var partner = new
            {
                name = e.Partner.LegalName,
                country = e.Partner.Country,
                region = e.Partner.Region,
                type = e.Partner.PartnerType,
                domain = e.Partner.WebsiteDomain,
                url = $"{options.DashboardUrl.TrimEnd('/')}/#/partners?partner={e.PartnerId}",
            };
            await mails.Owe(tx, EventIds.Of("partner", e.PartnerId, e.Version), "partner-applied", await Managers(tx, ct),
                r => new { vendor = options.VendorName, recipient = new { name = r.Name }, partner }, ct);
        });

    public Task Consume(ConsumeContext<DealRegistered> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var e = context.Message;
            await Registrations.Keep(tx, e.DealId, e.Deal, ct);
            var model = await Model(tx, e, null, ct);
            await mails.Owe(tx, EventIds.Of("deal", e.DealId, e.Version), "deal-registered", await Managers(tx, ct), r => With(model, r), ct);
        });

    /// <summary>Compliance's screening is news to the managers when it holds a registration waiting for them.</summary>
    public Task Consume(ConsumeContext<DealScreened> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var e = context.Message;
            if (e.Deal.Status != DealStatus.ComplianceReview) return;
            var model = await Model(tx, e, e.Reason, ct);
            await mails.Owe(tx, EventIds.Of("deal", e.DealId, e.Version), "deal-compliance-review", await Managers(tx, ct), r => With(model, r), ct);
        });

    public Task Consume(ConsumeContext<DealApprovalOverdue> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var e = context.Message;
            var model = await Model(tx, e, null, ct);
            await mails.Owe(tx, EventIds.Of("deal", e.DealId, e.Version), "deal-overdue", await Managers(tx, ct), r => With(model, r), ct);
        });

    sealed record DealModel(string Vendor, string Reason, object Deal);

    async Task<DealModel> Model(Npgsql.NpgsqlTransaction tx, IDealEvent e, string? reason, CancellationToken ct) => new(
        options.VendorName,
        reason ?? "",
        new
        {
            customer = e.Deal.CustomerName,
            partner = await Recipients.OwnerName(tx, Recipients.Partner, e.Deal.PartnerId, ct) ?? "a partner",
            value = $"{e.Deal.TotalValue.ToString("N2", CultureInfo.InvariantCulture)} {e.Deal.Currency}",
            where = $"{e.Deal.CustomerRegion}, {e.Deal.CustomerCountry}",
            sector = e.Deal.CustomerSector,
            submitted = e.Deal.SubmittedAt.ToString("d MMMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture),
            due = e.Deal.SlaDueAt?.ToString("d MMMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "",
            url = $"{options.DashboardUrl.TrimEnd('/')}/#/deals?deal={e.DealId}",
        });

    static object With(DealModel model, Recipient r) =>
        new { vendor = model.Vendor, reason = model.Reason, deal = model.Deal, recipient = new { name = r.Name } };
}
