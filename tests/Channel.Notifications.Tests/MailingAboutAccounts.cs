using Channel.Contracts.Identity;
using Channel.Contracts.Partners;
using Channel.Testing;

namespace Channel.Notifications.Tests;

/// <summary>The Identity service's mail to a person about their own account: the invitation's and the reset's links reach them, once.</summary>
public sealed class MailingAboutAccounts(NotificationsApp app) : IClassFixture<NotificationsApp>
{
    static AccountState Person(string email) => new() { Email = email, Name = "Pat Partner", Role = "partner", PartnerId = Guid.NewGuid(), Status = "invited" };

    Task<List<CaughtMail>> Wait(string to, int count) =>
        Eventually.Value(() => app.Mailbox.To([to]), got => got.Count >= count, $"{count} mails to {to}");

    [Fact]
    public void The_portal_is_named_after_the_vendor_and_plain_Channel_when_none_is_named()
    {
        Assert.Equal("Acme Networks Channel", new Mail.MailOptions { VendorName = "Acme Networks" }.Portal);
        Assert.Equal("Channel", new Mail.MailOptions().Portal);
    }

    [Fact]
    public async Task An_invitation_mails_its_link_once_however_often_it_comes()
    {
        var email = $"pat-{Guid.NewGuid():N}@northwind.example";
        var secret = Guid.NewGuid().ToString("N");
        var invited = new AccountInvited
        {
            AccountId = Guid.NewGuid(),
            Version = 1,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "manager",
            Account = Person(email),
            OrganisationName = "Northwind Networks",
            Link = $"https://channel.acme.example/identity/account/set-password?ticket={secret}",
            ExpiresAt = new DateTimeOffset(2026, 11, 29, 18, 0, 0, TimeSpan.Zero),
        };
        Guid first = Guid.NewGuid(), again = Guid.NewGuid();
        await app.Bus.Publish(invited, first);
        await app.Bus.Publish(invited, first);   // redelivered
        await app.Bus.Publish(invited, again);   // published again

        await Wait(email, 1);
        await app.Db.WaitFor("select count(*) from inbox where consumer like '%.AccountMailConsumer' and message_id = any(@ids)", 2,
            args: new { ids = new[] { first, again } });
        await app.Db.WaitFor("select count(*) from mails where sent_at is null", 0);
        var mails = await app.Mailbox.To([email]);
        var mail = Assert.Single(mails);
        Assert.Equal("Your Channel account for Northwind Networks", mail.Subject);
        Assert.Contains(invited.Link, mail.Text);
        Assert.Contains("until 29 November 2026 18:00 UTC", mail.Text);
        Assert.Contains("You have an account on Acme Networks Channel for Northwind Networks.", mail.Text);
    }

    [Fact]
    public async Task A_reset_and_a_lockout_are_mailed_and_a_first_password_is_not()
    {
        var email = $"rhea-{Guid.NewGuid():N}@northwind.example";
        var account = Guid.NewGuid();
        Guid[] ids = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];
        await app.Bus.Publish(new AccountPasswordChanged { AccountId = account, Version = 2, OccurredAt = DateTimeOffset.UtcNow, Account = Person(email), FirstPassword = true },
            ids[0]);
        await app.Bus.Publish(new PasswordResetRequested
        {
            AccountId = account,
            Version = 3,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "self",
            Account = Person(email),
            Link = "https://channel.acme.example/identity/account/reset-password?ticket=abc",
            ExpiresAt = DateTimeOffset.UtcNow.AddHours(2),
        }, ids[1]);
        await app.Bus.Publish(new AccountLockedOut
        {
            AccountId = account,
            Version = 4,
            OccurredAt = DateTimeOffset.UtcNow,
            Account = Person(email),
            LockedUntil = new DateTimeOffset(2026, 11, 26, 19, 15, 0, TimeSpan.Zero),
        }, ids[2]);

        await Wait(email, 2);
        await app.Db.WaitFor("select count(*) from inbox where consumer like '%.AccountMailConsumer' and message_id = any(@ids)", 3, args: new { ids });
        await app.Db.WaitFor("select count(*) from mails where sent_at is null", 0);
        var mails = await app.Mailbox.To([email]);
        Assert.Equal(["Choose a new Channel password", "Your Channel account is locked for now"],
            mails.Select(m => m.Subject).Order());
        Assert.Contains("reset-password?ticket=abc", mails.Single(m => m.Subject.StartsWith("Choose")).Text);
        Assert.Contains("locked until 19:15 UTC", mails.Single(m => m.Subject.Contains("locked")).Text);
    }

    [Fact]
    public async Task A_staff_account_hears_about_new_applications_from_its_invitation_until_it_is_disabled()
    {
        var email = $"morgan-{Guid.NewGuid():N}@vendor.example";
        var account = Guid.NewGuid();
        var staff = new AccountState { Email = email, Name = "Morgan Reid", Role = "channel-manager", Status = "invited" };
        await app.Bus.Publish(new AccountInvited
        {
            AccountId = account,
            Version = 1,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "admin",
            Account = staff,
            Link = "https://channel.acme.example/identity/account/set-password?ticket=xyz",
            ExpiresAt = DateTimeOffset.UtcNow.AddDays(3),
        });
        await Wait(email, 1);

        var first = await Apply();
        var mails = await Wait(email, 2);
        Assert.Contains(mails, m => m.Subject == $"New partner application: {first}");

        await app.Bus.Publish(new AccountStatusChanged
        {
            AccountId = account,
            Version = 2,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "admin",
            Account = staff with { Status = "disabled" },
            PreviousStatus = "invited",
        });
        await app.Db.WaitFor("select count(*) from staff where account_id = @account and not active", 1, args: new { account });
        var second = await Apply();
        // The configured admin hears of it (so the mail was made), the disabled account does not.
        Assert.Contains(await Wait(NotificationsApp.AdminEmail, 1, $"New partner application: {second}"), m => m.Subject.EndsWith(second));
        Assert.DoesNotContain(await app.Mailbox.To([email]), m => m.Subject.EndsWith(second));
    }

    async Task<string> Apply()
    {
        var name = $"Staffed Networks {Guid.NewGuid():N}"[..26];
        await app.Bus.Publish(new PartnerApplied
        {
            PartnerId = Guid.NewGuid(),
            Version = 1,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "applicant",
            Partner = Events.Partner(PartnerStatus.Applied) with { LegalName = name },
        });
        return name;
    }

    Task<List<CaughtMail>> Wait(string to, int count, string subject) =>
        Eventually.Value(async () => (await app.Mailbox.To([to])).Where(m => m.Subject == subject).ToList(), got => got.Count >= count,
            $"{count} mails to {to} about {subject}");
}
