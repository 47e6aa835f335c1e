using Channel.Contracts.Deals;
using Channel.Testing;

namespace Channel.Notifications.Tests;

/// <summary>A partner's users are reminded before an approved deal's protection ends, on a clock the test moves.</summary>
public sealed class RemindingOfProtectionEnding(NotificationsAtDawn app) : IClassFixture<NotificationsAtDawn>
{
    Task<List<CaughtMail>> Reminders(string user, int count) =>
        Eventually.Value(async () =>
        {
            var got = (await app.Mailbox.To(user)).Where(m => m.Subject.StartsWith("Protection ends in", StringComparison.Ordinal)).ToList();
            if (got.Count < count) app.Clock.Advance(TimeSpan.FromSeconds(10)); // the reminders look at the clock every ten seconds of it
            return got;
        }, got => got.Count >= count, $"{count} reminders to {user}", every: TimeSpan.FromMilliseconds(200));

    [Fact]
    public async Task Reminders_come_at_14_days_and_at_3_days_once_each_and_an_extension_starts_them_again_for_the_new_end()
    {
        var partner = Guid.NewGuid();
        var user = $"rae-{Guid.NewGuid():N}@partners.example";
        await app.Bus.Publish(Events.UserAdded(partner, 2, user, "Rae Reseller"));
        await app.Db.WaitFor($"select count(*) from recipients where owner_id = '{partner}'");
        var start = app.Clock.GetUtcNow();
        var ends = start.AddDays(20);
        var deal = Guid.NewGuid();
        var state = Events.Deal(partner, DealStatus.Approved) with { ProtectionEndsAt = ends };
        await app.Bus.Publish(new DealApproved { DealId = deal, Version = 2, OccurredAt = start, Actor = "m", Deal = state });
        await app.Db.WaitFor($"select count(*) from deals where id = '{deal}' and version = 2");

        // Thirteen and a half days left: the first reminder.
        app.Clock.Advance(TimeSpan.FromDays(6.5));
        var first = Assert.Single(await Reminders(user, 1));
        Assert.Equal("Protection ends in 14 days: Contoso Regional Hospital", first.Subject);
        Assert.Contains($"ends on {ends:d MMMM yyyy}", first.Text);

        // Two and a half days before the end, the second.
        app.Clock.Advance(TimeSpan.FromDays(11));
        var both = await Reminders(user, 2);
        Assert.Contains(both, m => m.Subject == "Protection ends in 3 days: Contoso Regional Hospital");

        // Extended by 30 days: the end moved, so the reminders start again, at 14 days before the new end.
        var extended = ends.AddDays(30);
        await app.Bus.Publish(new DealExtended { DealId = deal, Version = 3, OccurredAt = app.Clock.GetUtcNow(), Actor = "m", Deal = state with { ProtectionEndsAt = extended } });
        await app.Db.WaitFor($"select count(*) from deals where id = '{deal}' and version = 3");
        app.Clock.Advance(TimeSpan.FromDays(19));   // 13.5 days before the new end
        var three = await Reminders(user, 3);
        Assert.Contains($"ends on {extended:d MMMM yyyy}", three.Single(m => m.Text.Contains(extended.ToString("d MMMM yyyy"), StringComparison.Ordinal)).Text);
        await app.Db.WaitFor("select count(*) from mails where sent_at is null", 0);
        Assert.Equal(3, await app.Db.Scalar<long>($"select count(*) from mails where kind = 'deal-protection-ending' and recipient = '{user}'"));
    }
}
