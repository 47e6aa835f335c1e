using System.Globalization;
using Channel.Contracts.Pricing;
using Channel.Hosting.Auth;
using Channel.Messaging;
using Channel.Notifications.Mail;
using MassTransit;
using Npgsql;

namespace Channel.Notifications.Consumers;

/// <summary>
/// Special pricing, told to whom it concerns: a partner's users when its deal earns a price authorization (or loses it, or
/// compliance suspends it and later clears it),
/// and when a special bid on it is approved, countered or rejected; the channel managers when a PA waits for a second
/// approver or a special bid waits for a decision; a distributor's users when their claim is answered line by line and
/// when it is settled with a credit memo.
/// </summary>
public sealed class PricingMailConsumer(Inbox<PricingMailConsumer> inbox, Mails mails, MailOptions options) :
    IConsumer<PriceAuthorizationIssued>, IConsumer<PriceAuthorizationRevoked>, IConsumer<SpecialBidRequested>,
    IConsumer<PriceAuthorizationRevised>, IConsumer<SpecialBidRejected>, IConsumer<ClaimReceived>, IConsumer<ClaimSettled>,
    IConsumer<PriceAuthorizationSuspended>, IConsumer<PriceAuthorizationResumed>
{
    static string Money(decimal amount, string currency) => $"{amount.ToString("N2", CultureInfo.InvariantCulture)} {currency}";

    string Dashboard => options.DashboardUrl.TrimEnd('/');

    Task<IReadOnlyList<Recipient>> Managers(NpgsqlTransaction tx, CancellationToken ct) => Recipients.Staff(tx, options, ct, Roles.ChannelManager, Roles.Admin);

    async Task<object> Authorization(NpgsqlTransaction tx, PriceAuthorizationState a, CancellationToken ct) => new
    {
        number = a.Number,
        customer = a.CustomerName,
        partner = await Recipients.OwnerName(tx, Recipients.Partner, a.PartnerId, ct) ?? "a partner",
        discount = a.Lines.Count == 0 ? "0" : a.Lines.Max(l => l.DiscountPercent).ToString("0.###", CultureInfo.InvariantCulture),
        valid_until = a.ValidUntil.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        pending = a.Status == PriceAuthorizationStatus.PendingApproval,
        revision = a.Revision,
        net_value = Money(a.NetValue, a.Currency),
        url = $"{Dashboard}/#/deal?id={a.DealId}",
    };

    Task ToPartner(NpgsqlTransaction tx, string kind, Guid id, int version, PriceAuthorizationState a, object extra, CancellationToken ct) =>
        Mail(tx, kind, id, version, a, () => Recipients.Of(tx, Recipients.Partner, a.PartnerId, ct), extra, ct);

    async Task Mail(NpgsqlTransaction tx, string kind, Guid id, int version, PriceAuthorizationState a, Func<Task<IReadOnlyList<Recipient>>> to, object extra,
        CancellationToken ct)
    {
        var pa = await Authorization(tx, a, ct);
        await mails.Owe(tx, EventIds.Of("price-authorization", id, version), kind, await to(),
            r => new { vendor = options.VendorName, recipient = new { name = r.Name }, pa, extra }, ct);
    }

    public Task Consume(ConsumeContext<PriceAuthorizationIssued> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var e = context.Message;
            await ToPartner(tx, "price-authorization-issued", e.AuthorizationId, e.Version, e.Authorization, new { }, ct);
            if (e.Authorization.Status == PriceAuthorizationStatus.PendingApproval)
                await Mail(tx, "price-authorization-approval", e.AuthorizationId, e.Version, e.Authorization, () => Managers(tx, ct), new { }, ct);
        });

    public Task Consume(ConsumeContext<PriceAuthorizationRevoked> context) =>
        inbox.Once(context, (tx, ct) =>
        {
            var e = context.Message;
            return ToPartner(tx, "price-authorization-revoked", e.AuthorizationId, e.Version, e.Authorization, new { reason = e.Reason }, ct);
        });

    /// <summary>The PA's first hold is the partner's news; another hold on a PA already suspended, or one of several cleared, is not.</summary>
    public Task Consume(ConsumeContext<PriceAuthorizationSuspended> context) =>
        inbox.Once(context, (tx, ct) =>
        {
            var e = context.Message;
            if (e.Cleared || e.Authorization.Holds.Count != 1) return Task.CompletedTask;
            return ToPartner(tx, "price-authorization-suspended", e.AuthorizationId, e.Version, e.Authorization, new { reason = e.Reason }, ct);
        });

    public Task Consume(ConsumeContext<PriceAuthorizationResumed> context) =>
        inbox.Once(context, (tx, ct) =>
        {
            var e = context.Message;
            return ToPartner(tx, "price-authorization-resumed", e.AuthorizationId, e.Version, e.Authorization, new { }, ct);
        });

    public Task Consume(ConsumeContext<SpecialBidRequested> context) =>
        inbox.Once(context, (tx, ct) =>
        {
            var e = context.Message;
            var asked = string.Join(", ", e.Bid.Lines.Select(l => $"{l.Sku} at {Money(l.RequestedNetCost, e.Authorization.Currency)}"));
            return Mail(tx, "special-bid-requested", e.AuthorizationId, e.Version, e.Authorization, () => Managers(tx, ct),
                new { competitor = e.Bid.Competitor ?? "none named", justification = e.Bid.Justification, asked, by = e.Bid.RequestedRole }, ct);
        });

    /// <summary>A revision that came of a special bid (approved or countered) is the partner's news; other revisions are not mailed.</summary>
    public Task Consume(ConsumeContext<PriceAuthorizationRevised> context) =>
        inbox.Once(context, (tx, ct) =>
        {
            var e = context.Message;
            if (e.SpecialBidId is null) return Task.CompletedTask;
            return ToPartner(tx, "special-bid-decided", e.AuthorizationId, e.Version, e.Authorization,
                new { decision = e.Countered ? "countered" : "approved", reason = "" }, ct);
        });

    public Task Consume(ConsumeContext<SpecialBidRejected> context) =>
        inbox.Once(context, (tx, ct) =>
        {
            var e = context.Message;
            return ToPartner(tx, "special-bid-decided", e.AuthorizationId, e.Version, e.Authorization, new { decision = "rejected", reason = e.Reason }, ct);
        });

    object Claim(Guid id, ClaimState c) => new
    {
        number = c.ClaimNumber,
        lines = c.LineCount,
        accepted = c.AcceptedLines,
        adjusted = c.AdjustedLines,
        rejected = c.RejectedLines,
        pending = c.PendingLines,
        credit = Money(c.AcceptedCredit, c.Currency),
        memo = c.CreditMemo ?? "",
        url = $"{Dashboard}/#/pricing?claim={id}",
        answer = $"{Dashboard}/api/pricing/claims/{id}/response.csv",
    };

    async Task ToDistributor(NpgsqlTransaction tx, string kind, Guid id, int version, ClaimState c, CancellationToken ct)
    {
        var claim = Claim(id, c);
        await mails.Owe(tx, EventIds.Of("claim", id, version), kind, await Recipients.Of(tx, Recipients.Distributor, c.DistributorId, ct),
            r => new { vendor = options.VendorName, recipient = new { name = r.Name }, claim }, ct);
    }

    public Task Consume(ConsumeContext<ClaimReceived> context) =>
        inbox.Once(context, (tx, ct) => ToDistributor(tx, "claim-answered", context.Message.ClaimId, context.Message.Version, context.Message.Claim, ct));

    public Task Consume(ConsumeContext<ClaimSettled> context) =>
        inbox.Once(context, (tx, ct) => ToDistributor(tx, "claim-settled", context.Message.ClaimId, context.Message.Version, context.Message.Claim, ct));
}
