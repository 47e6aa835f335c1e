using System.Globalization;
using Channel.Contracts.Deals;
using Channel.Messaging;
using Channel.Notifications.Mail;
using MassTransit;

namespace Channel.Notifications.Consumers;

/// <summary>
/// Tells the partner's users what became of their deal registrations: approved (with the
/// protection's end), returned (with what to fix), rejected (with why; a refusal by compliance screening too), its protection extended or
/// expired, and won by the distributor's sell-through (with the amount). One mail per recipient per
/// event, however often the event comes.
/// </summary>
public sealed class DealMailConsumer(Inbox<DealMailConsumer> inbox, Mails mails, MailOptions options) :
    IConsumer<DealApproved>, IConsumer<DealReturned>, IConsumer<DealRejected>, IConsumer<DealExtended>, IConsumer<DealExpired>,
    IConsumer<DealWon>, IConsumer<DealScreened>
{
    public Task Consume(ConsumeContext<DealApproved> context) => Mail(context, "deal-approved", null);

    public Task Consume(ConsumeContext<DealReturned> context) => Mail(context, "deal-returned", context.Message.Reason);

    public Task Consume(ConsumeContext<DealRejected> context) => Mail(context, "deal-rejected", context.Message.Reason);

    /// <summary>A registration compliance screening refused is rejected, with the rule's citation as why; other screenings are not the partner's news.</summary>
    public Task Consume(ConsumeContext<DealScreened> context) =>
        context.Message.Deal.Status == DealStatus.Rejected
            ? Mail(context, "deal-rejected", context.Message.Reason)
            : inbox.Once(context, (_, _) => Task.CompletedTask);

    public Task Consume(ConsumeContext<DealExtended> context) => Mail(context, "deal-extended", null);

    public Task Consume(ConsumeContext<DealExpired> context) => Mail(context, "deal-expired", null);

    /// <summary>Only a win found in a distributor's sell-through is news to the partner: it declared the others itself.</summary>
    public Task Consume(ConsumeContext<DealWon> context) =>
        context.Message.Source.StartsWith("sell-through", StringComparison.Ordinal)
            ? Mail(context, "deal-won-by-sell-through", null)
            : inbox.Once(context, (_, _) => Task.CompletedTask); // handled, and owes nothing

    Task Mail<T>(ConsumeContext<T> context, string kind, string? reason) where T : class, IDealEvent =>
        inbox.Once(context, async (tx, ct) =>
        {
            var e = context.Message;
            var recipients = await Recipients.Of(tx, Recipients.Partner, e.Deal.PartnerId, ct);
            var deal = new
            {
                customer = e.Deal.CustomerName,
                value = $"{e.Deal.TotalValue.ToString("N2", CultureInfo.InvariantCulture)} {e.Deal.Currency}",
                protection_ends = e.Deal.ProtectionEndsAt?.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) ?? "",
                actual = e.Deal.ActualAmount is { } actual ? $"{actual.ToString("N2", CultureInfo.InvariantCulture)} {e.Deal.Currency}" : "",
                url = $"{options.DashboardUrl.TrimEnd('/')}/#/deals?deal={e.DealId}",
            };
            // The event's own identity (deal and version), not the message's: a copy published again is the same event.
            var eventId = EventIds.Of("deal", e.DealId, e.Version);
            await mails.Owe(tx, eventId, kind, recipients,
                r => new { vendor = options.VendorName, recipient = new { name = r.Name }, deal, reason = reason ?? "" }, ct);
        });
}
