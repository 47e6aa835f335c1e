using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Deals;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Testing;

namespace Channel.Notifications.Tests;

/// <summary>The vendor's channel managers hear of what waits for them, once, unless they chose otherwise.</summary>
public sealed class MailingChannelManagers(NotificationsApp app) : IClassFixture<NotificationsApp>
{
    static readonly string[] Managers = ["mia@acme.example", "max@acme.example", NotificationsApp.AdminEmail];
    const string Leader = "lee@acme.example";

    /// <summary>Mail about this customer: each test names its own, since the managers get every test's mail.</summary>
    async Task<List<CaughtMail>> About(string customer, params string[] to) =>
        [.. (await app.Mailbox.To(to)).Where(m => m.Subject.Contains(customer, StringComparison.Ordinal))];

    Task<List<CaughtMail>> WaitAbout(string customer, int count, params string[] to) =>
        Eventually.Value(() => About(customer, to), got => got.Count >= count, $"{count} mails about {customer}");

    [Fact]
    public async Task An_overdue_approval_mails_each_manager_once_however_often_it_comes_and_nobody_else()
    {
        var partner = Guid.NewGuid();
        var partnerUser = $"pat-{Guid.NewGuid():N}@partners.example";
        await app.Bus.Publish(Events.UserAdded(partner, 2, partnerUser));
        // The partner's name comes from its own events: the mail names it once those have arrived (else "a partner").
        await app.Db.WaitFor($"select count(*) from owners where id = '{partner}'", 1);
        var customer = $"Overdue Clinic {Guid.NewGuid():N}"[..24];
        var overdue = new DealApprovalOverdue
        {
            DealId = Guid.NewGuid(),
            Version = 2,
            OccurredAt = DateTimeOffset.UtcNow,
            Deal = Events.Deal(partner, DealStatus.Submitted, customer) with { SlaDueAt = new DateTimeOffset(2026, 11, 20, 17, 0, 0, TimeSpan.Zero), Overdue = true },
        };
        var messageId = Guid.NewGuid();

        await app.Bus.Publish(overdue, messageId);
        await app.Bus.Publish(overdue, messageId); // redelivered
        await app.Bus.Publish(overdue);            // published again
        await app.Db.WaitFor("select count(*) from inbox where consumer like '%.StaffMailConsumer' and message_id = @messageId", 1, args: new { messageId });
        await app.Bus.Settle(app.Db);
        await app.Db.WaitFor("select count(*) from mails where sent_at is null", 0);

        var mails = await WaitAbout(customer, 3, Managers);
        Assert.Equal(Managers.Order(), mails.SelectMany(m => m.To).Order());
        var mail = mails[0];
        Assert.Equal($"Approval overdue: {customer} from Northwind Networks LLC", mail.Subject);
        Assert.Contains("was due for a decision by 20 November 2026 17:00 UTC and is still waiting", mail.Text);
        Assert.Contains($"https://channel.acme.example/#/deals?deal={overdue.DealId}", mail.Text);
        Assert.Empty(await About(customer, partnerUser, Leader));
    }

    [Fact]
    public async Task A_registration_held_for_compliance_tells_the_managers_why_and_a_new_one_reaches_those_who_did_not_turn_it_off()
    {
        var mia = app.CreateClient();
        mia.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.For(Roles.ChannelManager, subject: "manager-mia"));
        var turnedOff = await mia.PutAsJsonAsync("/api/notifications/preferences", new { settings = new Dictionary<string, string> { ["deal-registered"] = "off" } });
        Assert.Equal(HttpStatusCode.OK, turnedOff.StatusCode);
        var customer = $"Held Ministry {Guid.NewGuid():N}"[..24];
        var registered = new DealRegistered
        {
            DealId = Guid.NewGuid(),
            Version = 1,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "pat",
            Deal = Events.Deal(Guid.NewGuid(), DealStatus.Submitted, customer) with { CustomerSector = "government" },
        };
        const string why = "Held for compliance review under Demo policy: a government of a country that bans the vendor's equipment";

        await app.Bus.Publish(registered);
        await app.Bus.Publish(new DealScreened
        {
            DealId = registered.DealId,
            Version = 2,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "compliance",
            Outcome = "review",
            Reason = why,
            Deal = registered.Deal with { Status = DealStatus.ComplianceReview, Screening = "review" },
        });

        var held = await WaitAbout($"Compliance review needed: {customer}", 3, Managers);
        Assert.All(held, m => Assert.Contains($"Why: {why}", m.Text));
        var news = await WaitAbout($"New deal registration: {customer}", 2, Managers);
        Assert.Equal(new[] { "max@acme.example", NotificationsApp.AdminEmail }.Order(), news.SelectMany(m => m.To).Order());
        await app.Db.WaitFor("select count(*) from mails where sent_at is null", 0);
        Assert.Equal(2, (await About($"New deal registration: {customer}", Managers)).Count);
    }

    [Fact]
    public async Task A_new_application_mails_the_managers()
    {
        var name = $"Fabrikam Secure {Guid.NewGuid():N}"[..26];
        var partner = Guid.NewGuid();

        await app.Bus.Publish(new PartnerApplied
        {
            PartnerId = partner,
            Version = 1,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "applicant",
            Partner = Events.Partner(PartnerStatus.Applied) with { LegalName = name },
        });

        var mails = await WaitAbout(name, 3, Managers);
        Assert.All(mails, m => Assert.Equal($"New partner application: {name}", m.Subject));
        Assert.Contains($"https://channel.acme.example/#/partners?partner={partner}", mails[0].Text);
    }
}

/// <summary>Each person's own choice of mail, by the subject their token carries.</summary>
public sealed class ChoosingWhatMailToGet(NotificationsApp app) : IClassFixture<NotificationsApp>
{
    static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    HttpClient As(string role, string subject, Guid? partner = null)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.For(role, partnerId: partner, subject: subject));
        return client;
    }

    [Fact]
    public async Task A_partner_user_sees_the_kinds_their_role_gets_with_defaults_and_a_kind_turned_off_is_not_mailed()
    {
        var partner = Guid.NewGuid();
        string quiet = $"quinn-{Guid.NewGuid():N}@partners.example", loud = $"lou-{Guid.NewGuid():N}@partners.example";
        var quietUser = Events.UserAdded(partner, 2, quiet, "Quinn Quiet");
        await app.Bus.Publish(quietUser);
        await app.Bus.Publish(Events.UserAdded(partner, 3, loud, "Lou Loud"));
        await app.Db.WaitFor($"select count(*) from recipients where owner_id = '{partner}'", 2);
        var client = As(Roles.Partner, quietUser.User.UserId.ToString(), partner);

        var defaults = await Json(await client.GetAsync("/api/notifications/preferences"));
        var kinds = defaults.GetProperty("kinds").EnumerateArray().ToDictionary(k => k.GetProperty("kind").GetString()!);
        Assert.Equal("on", kinds["deal-approved"].GetProperty("setting").GetString());
        Assert.False(kinds.ContainsKey("deal-overdue"), "a partner user is offered a manager's mail");
        Assert.True(kinds["webhook-disabled"].GetProperty("security").GetBoolean());

        var changed = await Json(await client.PutAsJsonAsync("/api/notifications/preferences",
            new { settings = new Dictionary<string, string> { ["deal-approved"] = "off" } }));
        Assert.Equal("off", changed.GetProperty("kinds").EnumerateArray().Single(k => k.GetProperty("kind").GetString() == "deal-approved")
            .GetProperty("setting").GetString());

        await app.Bus.Publish(new DealApproved
        {
            DealId = Guid.NewGuid(),
            Version = 2,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "m",
            Deal = Events.Deal(partner, DealStatus.Approved),
        });
        Assert.Single(await app.Mailbox.WaitFor(1, loud));
        await app.Db.WaitFor("select count(*) from mails where sent_at is null", 0);
        Assert.Empty(await app.Mailbox.To(quiet));
    }

    [Fact]
    public async Task Security_mail_cannot_be_turned_off_kinds_not_offered_are_refused_by_field_and_nothing_is_saved()
    {
        var subject = $"partner-user-{Guid.NewGuid():N}";
        var client = As(Roles.Partner, subject, Guid.NewGuid());

        await (await client.PutAsJsonAsync("/api/notifications/preferences", new
        {
            settings = new Dictionary<string, string>
            {
                ["deal-approved"] = "off",
                ["webhook-disabled"] = "off",
                ["deal-overdue"] = "off",
                ["deal-returned"] = "daily",
                ["no-such-mail"] = "on",
            },
        })).AssertBadRequest("settings.webhook-disabled", "settings.deal-overdue", "settings.deal-returned", "settings.no-such-mail");
        await (await client.PutAsJsonAsync("/api/notifications/preferences", new { settings = new Dictionary<string, string>() })).AssertBadRequest("settings");

        Assert.Equal(0, await app.Db.Scalar<long>("select count(*) from preferences where subject = @subject", new { subject }));
        var manager = As(Roles.ChannelManager, $"manager-{Guid.NewGuid():N}");
        var digest = await Json(await manager.PutAsJsonAsync("/api/notifications/preferences",
            new { settings = new Dictionary<string, string> { ["deal-registered"] = "daily" } }));
        Assert.Equal("daily", digest.GetProperty("kinds").EnumerateArray().Single(k => k.GetProperty("kind").GetString() == "deal-registered")
            .GetProperty("setting").GetString());
    }
}

/// <summary>Whoever applied for a partner hears what became of the application.</summary>
public sealed class MailingApplicants(NotificationsApp app) : IClassFixture<NotificationsApp>
{
    [Fact]
    public async Task The_applicant_hears_the_application_was_received_and_then_approved_with_its_tier_or_rejected_with_why()
    {
        Guid approved = Guid.NewGuid(), rejected = Guid.NewGuid();
        string ann = $"ann-{Guid.NewGuid():N}@fabrikam.example", rob = $"rob-{Guid.NewGuid():N}@woodgrove.example";
        PartnerState State(string name, string status, string? tier = null) => Events.Partner(status) with { LegalName = name, Tier = tier };

        await app.Bus.Publish(new PartnerApplied
        {
            PartnerId = approved,
            Version = 1,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "anonymous",
            Partner = State("Fabrikam Secure", PartnerStatus.Applied),
            Contact = new PartnerContact { Name = "Ann Applicant", Email = ann }
        });
        await app.Bus.Publish(new PartnerApproved
        {
            PartnerId = approved,
            Version = 2,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "m",
            Partner = State("Fabrikam Secure", PartnerStatus.Active, "silver"),
            Contact = new PartnerContact { Name = "Ann Applicant", Email = ann }
        });
        await app.Bus.Publish(new PartnerRejected
        {
            PartnerId = rejected,
            Version = 2,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "m",
            Reason = "The company does not resell network equipment.",
            Partner = State("Woodgrove Trading", PartnerStatus.Rejected),
            Contact = new PartnerContact { Name = "Rob Rejected", Email = rob }
        });

        var toAnn = await app.Mailbox.WaitFor(2, ann);
        Assert.Equal(["We received your application: Fabrikam Secure", "Welcome to the Acme Networks partner program: Fabrikam Secure"],
            toAnn.Select(m => m.Subject).Order());
        Assert.Contains("approved Fabrikam Secure as a partner at the silver tier", toAnn.Single(m => m.Subject.StartsWith("Welcome")).Text);
        var toRob = Assert.Single(await app.Mailbox.WaitFor(1, rob));
        Assert.Equal("Your application was not approved: Woodgrove Trading", toRob.Subject);
        Assert.Contains("Why: The company does not resell network equipment.", toRob.Text);
    }
}
