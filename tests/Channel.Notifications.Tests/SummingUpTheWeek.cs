using System.Net.Http.Json;
using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Channel.Testing;

namespace Channel.Notifications.Tests;

/// <summary>Leadership's weekly summary: only for who turned it on, on Monday, the week before in numbers.</summary>
public sealed class SummingUpTheWeek(NotificationsAtDawn app) : IClassFixture<NotificationsAtDawn>
{
    [Fact]
    public async Task On_monday_whoever_turned_it_on_gets_last_weeks_registrations_wins_and_the_open_pipeline_by_partner()
    {
        var lee = app.CreateClient();
        lee.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.For(Roles.Leadership, subject: "leader-lee"));
        (await lee.PutAsJsonAsync("/api/notifications/preferences", new { settings = new Dictionary<string, string> { ["weekly-summary"] = "on" } }))
            .EnsureSuccessStatusCode();
        var partner = Guid.NewGuid();
        var name = $"Northwind {Guid.NewGuid():N}"[..20]; // this run's summary is the one naming it (smtp4dev keeps earlier runs' mail)
        await app.Bus.Publish(Events.UserAdded(partner, 2, $"pat-{Guid.NewGuid():N}@partners.example") with { Partner = Events.Partner() with { LegalName = name } });
        static DateTimeOffset Nov(int day, int hour = 10) => new(2026, 11, day, hour, 0, 0, TimeSpan.Zero);
        var registered = Events.Deal(partner, DealStatus.Submitted, "Registered This Week") with { SubmittedAt = Nov(27), TotalValue = 50_000m };
        var won = Events.Deal(partner, DealStatus.Won, "Won This Week") with { SubmittedAt = Nov(10), TotalValue = 70_000m, ActualAmount = 80_000m, ClosedAt = Nov(28) };
        var open = Events.Deal(partner, DealStatus.Approved, "Open Since Before") with { SubmittedAt = Nov(20), TotalValue = 30_000m };
        await app.Bus.Publish(new DealRegistered { DealId = Guid.NewGuid(), Version = 1, OccurredAt = Nov(27), Actor = "pat", Deal = registered });
        await app.Bus.Publish(new DealWon { DealId = Guid.NewGuid(), Version = 4, OccurredAt = Nov(28), Actor = "pat", Source = "registrant", Deal = won });
        await app.Bus.Publish(new DealApproved { DealId = Guid.NewGuid(), Version = 2, OccurredAt = Nov(21), Actor = "m", Deal = open });
        await app.Db.WaitFor("select count(*) from deals", 3);
        await app.Db.WaitFor("select count(*) from owners", 1);

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 7, 0, 1, TimeSpan.Zero)); // Monday, the digest hour
        var summary = await Eventually.Value(async () =>
        {
            var mail = (await app.Mailbox.To("lee@acme.example")).SingleOrDefault(m => m.Text.Contains(name, StringComparison.Ordinal));
            if (mail is null) app.Clock.Advance(TimeSpan.FromSeconds(10)); // the summary looks at the clock every ten seconds of it
            return mail;
        }, mail => mail is not null, "the weekly summary", every: TimeSpan.FromMilliseconds(200)) ?? throw new InvalidOperationException();

        Assert.Equal("Acme Networks channel, week to 29 November 2026: 1 (50,000.00 USD) registered, 1 (80,000.00 USD) won", summary.Subject);
        Assert.Contains("Lost:         none", summary.Text);
        Assert.Contains("Open pipeline now: 2 (80,000.00 USD)", summary.Text);
        Assert.Contains($"- {name}: 80,000.00 USD in 2 deals", summary.Text);
        // Nobody else asked for it, and it is composed once for the week.
        await app.Db.WaitFor("select count(*) from mails where sent_at is null", 0);
        Assert.Equal(1, await app.Db.Scalar<long>("select count(*) from mails where kind = 'weekly-summary'"));
    }
}
