using System.Net.Http.Json;
using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Channel.Testing;

namespace Channel.Notifications.Tests;

/// <summary>A manager who chose the daily digest gets the day's registrations in one mail at the digest hour, and none one by one.</summary>
public sealed class SendingTheDailyDigest(NotificationsAtDawn app) : IClassFixture<NotificationsAtDawn>
{
    [Fact]
    public async Task The_days_registrations_arrive_in_one_mail_at_the_digest_hour_for_whoever_chose_it_and_nobody_else_waits_for_them()
    {
        var max = app.CreateClient();
        max.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.For(Roles.ChannelManager, subject: "manager-max"));
        (await max.PutAsJsonAsync("/api/notifications/preferences", new { settings = new Dictionary<string, string> { ["deal-registered"] = "daily" } }))
            .EnsureSuccessStatusCode();
        var tag = Guid.NewGuid().ToString("N")[..8];
        DealRegistered Registered(string customer, DateTimeOffset at, decimal value) => new()
        {
            DealId = Guid.NewGuid(),
            Version = 1,
            OccurredAt = at,
            Actor = "pat",
            Deal = Events.Deal(Guid.NewGuid(), DealStatus.Submitted, $"{customer} {tag}") with { SubmittedAt = at, TotalValue = value },
        };
        var inWindow = new[]
        {
            Registered("Evening Clinic", new DateTimeOffset(2026, 11, 25, 20, 15, 0, TimeSpan.Zero), 40_000m),
            Registered("Early Campus", new DateTimeOffset(2026, 11, 26, 5, 30, 0, TimeSpan.Zero), 12_500m),
        };
        var tooOld = Registered("Old Depot", new DateTimeOffset(2026, 11, 25, 6, 59, 0, TimeSpan.Zero), 1_000m);
        foreach (var r in inWindow.Append(tooOld)) await app.Bus.Publish(r);
        await app.Db.WaitFor($"select count(*) from registrations where customer like '%{tag}'", 3);

        // Mia takes each registration as it comes; Max, who chose the digest, does not.
        await app.Mailbox.WaitFor(3, "mia@acme.example");
        await app.Db.WaitFor("select count(*) from mails where sent_at is null", 0);
        Assert.DoesNotContain(await app.Mailbox.To("max@acme.example"), m => m.Subject.Contains(tag, StringComparison.Ordinal));

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 26, 7, 0, 1, TimeSpan.Zero));

        CaughtMail digest;
        try
        {
            digest = await Eventually.Value(async () =>
            {
                var mail = (await app.Mailbox.To("max@acme.example")).SingleOrDefault(m => m.Text.Contains(tag, StringComparison.Ordinal));
                if (mail is null) app.Clock.Advance(TimeSpan.FromSeconds(10)); // the digest looks at the clock every ten seconds of it
                return mail;
            }, mail => mail is not null, "the daily digest", every: TimeSpan.FromMilliseconds(200)) ?? throw new InvalidOperationException();
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "; digests: " + await app.Db.Scalar<string>("select string_agg(day::text, ',') from digests")
                + "; mails: " + await app.Db.Scalar<string>("select string_agg(kind || ' ' || recipient, ',') from mails where recipient like 'max%'"), e);
        }
        Assert.Equal("2 new deal registrations (52,500.00 USD), 26 November 2026", digest.Subject);
        Assert.Contains($"25 Nov 20:15 UTC  Evening Clinic {tag}, 40,000.00 USD", digest.Text);
        Assert.Contains($"26 Nov 05:30 UTC  Early Campus {tag}, 12,500.00 USD", digest.Text);
        Assert.DoesNotContain("Old Depot", digest.Text);
        Assert.Contains("https://channel.acme.example/#/queue", digest.Text);
        // Once a day: another look at the clock the same day owes nothing more, and Mia gets no digest.
        app.Clock.Advance(TimeSpan.FromSeconds(10));
        await app.Db.WaitFor("select count(*) from digests where day = '2026-11-26'", 1);
        await app.Db.WaitFor("select count(*) from mails where sent_at is null", 0);
        Assert.Equal(1, await app.Db.Scalar<long>("select count(*) from mails where kind = 'deal-registrations-digest'"));
        Assert.Single(await app.Mailbox.To("max@acme.example"), m => m.Text.Contains(tag, StringComparison.Ordinal));
    }
}
