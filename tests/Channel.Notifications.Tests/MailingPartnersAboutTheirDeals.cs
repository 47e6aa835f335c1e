using Channel.Contracts.Deals;
using Channel.Contracts.Partners;
using Channel.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Channel.Notifications.Tests;

/// <summary>Real mail through smtp4dev: who gets which mail about a deal, once.</summary>
public sealed class MailingPartnersAboutTheirDeals(NotificationsApp app) : IClassFixture<NotificationsApp>
{
    static string Address(string who) => $"{who}-{Guid.NewGuid():N}@partners.example";

    /// <summary>A partner with these users, as Partners announced them; returns the partner's next version.</summary>
    async Task<int> PartnerWithUsers(Guid partner, params string[] emails)
    {
        var version = 1;
        foreach (var email in emails) await app.Bus.Publish(Events.UserAdded(partner, ++version, email));
        await app.Db.WaitFor($"select count(*) from recipients where owner_id = '{partner}'", emails.Length);
        return version + 1;
    }

    [Fact]
    public async Task A_deal_approved_mails_the_partners_users_and_nobody_else()
    {
        var partner = Guid.NewGuid();
        var other = Guid.NewGuid();
        string[] mine = [Address("ana"), Address("ben")];
        var theirs = Address("cy");
        await PartnerWithUsers(partner, mine);
        await PartnerWithUsers(other, theirs);
        var deal = Guid.NewGuid();

        await app.Bus.Publish(new DealApproved { DealId = deal, Version = 2, OccurredAt = DateTimeOffset.UtcNow, Actor = "m", Deal = Events.Deal(partner, DealStatus.Approved) });

        var mails = await app.Mailbox.WaitFor(2, mine);
        Assert.Equal(mine.Order(), mails.SelectMany(m => m.To).Order());
        var mail = mails[0];
        Assert.Equal("Deal approved: Contoso Regional Hospital (125,000.00 USD)", mail.Subject);
        Assert.Contains("Acme Networks approved your deal registration for Contoso Regional Hospital", mail.Text);
        Assert.Contains("24 February 2027", mail.Text);
        Assert.Contains($"https://channel.acme.example/#/deals?deal={deal}", mail.Text);
        Assert.Contains($"href=\"https://channel.acme.example/#/deals?deal={deal}\"", mail.Html);
        await app.Db.WaitFor("select count(*) from mails where sent_at is null", 0);
        Assert.Empty(await app.Mailbox.To(theirs));
    }

    [Fact]
    public async Task A_returned_deal_carries_its_reason_and_markup_in_it_is_escaped_in_the_html_part()
    {
        var partner = Guid.NewGuid();
        var user = Address("dee");
        await PartnerWithUsers(partner, user);

        await app.Bus.Publish(new DealReturned
        {
            DealId = Guid.NewGuid(),
            Version = 2,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "m",
            Reason = "Add the end customer's <b>site address</b> & the switch count.",
            Deal = Events.Deal(partner, DealStatus.Returned),
        });

        var mail = Assert.Single(await app.Mailbox.WaitFor(1, user));
        Assert.Equal("Deal returned for changes: Contoso Regional Hospital", mail.Subject);
        Assert.Contains("What to fix: Add the end customer's <b>site address</b> & the switch count.", mail.Text);
        Assert.Contains("&lt;b&gt;site address&lt;/b&gt; &amp; the switch count.", mail.Html);
        Assert.DoesNotContain("<b>site address</b>", mail.Html);
    }

    [Fact]
    public async Task A_registration_compliance_refuses_is_a_rejection_with_the_rules_citation_and_a_hold_is_not_the_partners_news()
    {
        var partner = Guid.NewGuid();
        var user = Address("fay");
        await PartnerWithUsers(partner, user);
        const string why = "Refused under NDAA FY2019 §889(a)(1)(A): U.S. executive agencies may not procure covered equipment.";
        DealScreened Screened(string outcome, string status, string reason) => new()
        {
            DealId = Guid.NewGuid(),
            Version = 2,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "compliance",
            Outcome = outcome,
            Reason = reason,
            Deal = Events.Deal(partner, status) with { CustomerName = $"{outcome} {Guid.NewGuid():N}"[..20] },
        };
        var held = Screened("review", DealStatus.ComplianceReview, "Held for compliance review: a possible screening-list match");
        var refused = Screened("block", DealStatus.Rejected, why);

        var consumed = ConsumedMessages.Watch(app.Services.GetRequiredService<MassTransit.IBus>());
        var heldMessage = Guid.NewGuid();
        await app.Bus.Publish(held, heldMessage);
        await app.Bus.Publish(refused);
        // Every consumer of the hold has handled it (and owes no mail for it) before the mailbox is counted.
        await consumed.WaitFor(heldMessage, 4);

        var mail = Assert.Single(await app.Mailbox.WaitFor(1, user));
        Assert.Contains(refused.Deal.CustomerName, mail.Subject);
        Assert.Contains(why, mail.Text);
        await app.Db.WaitFor("select count(*) from mails where sent_at is null", 0);
        Assert.Single(await app.Mailbox.To(user));
    }

    [Fact]
    public async Task An_event_delivered_again_or_published_again_sends_nothing_twice()
    {
        var partner = Guid.NewGuid();
        var user = Address("eve");
        await PartnerWithUsers(partner, user);
        var approved = new DealApproved { DealId = Guid.NewGuid(), Version = 2, OccurredAt = DateTimeOffset.UtcNow, Actor = "m", Deal = Events.Deal(partner, DealStatus.Approved) };
        var messageId = Guid.NewGuid();

        await app.Bus.Publish(approved, messageId);
        await app.Bus.Publish(approved, messageId); // the broker's redelivery
        var republished = Guid.NewGuid();
        await app.Bus.Publish(approved, republished); // the same event published again (a relay that crashed before its delete)
        await app.Db.WaitFor($"select count(*) from inbox where message_id in ('{messageId}', '{republished}') and consumer like '%.DealMailConsumer'", 2);
        await app.Mailbox.WaitFor(1, user);
        // Every copy handled and every mail owed sent (a mail is marked sent only after smtp4dev took it).
        await app.Db.WaitFor("select count(*) from mails where sent_at is null", 0);
        Assert.Single(await app.Mailbox.To(user));
        Assert.Equal(1L, await app.Db.Scalar<long>("select count(*) from mails where recipient = @user", new { user }));
    }

    [Fact]
    public async Task A_removed_user_and_the_users_of_a_suspended_partner_hear_nothing()
    {
        var partner = Guid.NewGuid();
        var (stays, leaves) = (Address("fay"), Address("gus"));
        var version = await PartnerWithUsers(partner, stays, leaves);
        var removed = (await app.Db.Scalar<Guid>("select user_id from recipients where email = @leaves", new { leaves }));
        await app.Bus.Publish(new PartnerUserRemoved
        {
            PartnerId = partner,
            Version = version,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "m",
            Partner = Events.Partner(),
            User = new PartnerUser { UserId = removed, Name = "Gus", Email = leaves, Role = "sales" },
        });
        await app.Db.WaitFor($"select count(*) from recipients where user_id = '{removed}' and removed", 1);

        await app.Bus.Publish(new DealApproved { DealId = Guid.NewGuid(), Version = 2, OccurredAt = DateTimeOffset.UtcNow, Actor = "m", Deal = Events.Deal(partner, DealStatus.Approved) });
        await app.Mailbox.WaitFor(1, stays);

        var suspended = Guid.NewGuid();
        var quiet = Address("hal");
        var next = await PartnerWithUsers(suspended, quiet);
        await app.Bus.Publish(new PartnerSuspended
        {
            PartnerId = suspended,
            Version = next,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "m",
            Reason = "Audit.",
            Partner = Events.Partner(PartnerStatus.Suspended),
        });
        await app.Db.WaitFor($"select count(*) from owners where id = '{suspended}' and status = '{PartnerStatus.Suspended}'", 1);
        var marker = Address("ivy");
        var markerPartner = Guid.NewGuid();
        await PartnerWithUsers(markerPartner, marker);
        await app.Bus.Publish(new DealApproved { DealId = Guid.NewGuid(), Version = 2, OccurredAt = DateTimeOffset.UtcNow, Actor = "m", Deal = Events.Deal(suspended, DealStatus.Approved) });
        await app.Bus.Publish(new DealApproved { DealId = Guid.NewGuid(), Version = 2, OccurredAt = DateTimeOffset.UtcNow, Actor = "m", Deal = Events.Deal(markerPartner, DealStatus.Approved) });
        await app.Mailbox.WaitFor(1, marker); // the later deal's mail went out, so the earlier one was handled

        Assert.Empty(await app.Mailbox.To(leaves));
        Assert.Empty(await app.Mailbox.To(quiet));
    }

    [Fact]
    public async Task An_extension_an_expiry_and_a_win_by_sell_through_are_mailed_and_a_win_the_partner_declared_is_not()
    {
        var partner = Guid.NewGuid();
        var user = Address("lee");
        await PartnerWithUsers(partner, user);
        var deal = Guid.NewGuid();
        var state = Events.Deal(partner, DealStatus.Approved);

        await app.Bus.Publish(new DealExtended { DealId = deal, Version = 3, OccurredAt = DateTimeOffset.UtcNow, Actor = "m", Deal = state });
        var declared = Guid.NewGuid();
        await app.Bus.Publish(new DealWon
        {
            DealId = deal,
            Version = 4,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "partner",
            Source = "registrant",
            Deal = state with { Status = DealStatus.Won, ActualAmount = 90_000m },
        }, declared);
        await app.Bus.Publish(new DealWon
        {
            DealId = Guid.NewGuid(),
            Version = 3,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "system",
            Source = "sell-through:customer-and-family",
            Deal = state with { Status = DealStatus.Won, ActualAmount = 118_250.5m },
        });
        await app.Bus.Publish(new DealExpired { DealId = Guid.NewGuid(), Version = 3, OccurredAt = DateTimeOffset.UtcNow, Deal = state with { Status = DealStatus.Expired } });

        var mails = await app.Mailbox.WaitFor(3, user);
        await app.Db.WaitFor($"select count(*) from inbox where message_id = '{declared}' and consumer like '%.DealMailConsumer'", 1); // the declared win was handled, and owed nothing
        await app.Db.WaitFor("select count(*) from mails where sent_at is null", 0);
        Assert.Equal(["Deal won: Contoso Regional Hospital (118,250.50 USD)", "Protection expired: Contoso Regional Hospital",
            "Protection extended: Contoso Regional Hospital"], mails.Select(m => m.Subject).Order());
        Assert.Contains("reported selling 118,250.50 USD to Contoso Regional Hospital", mails.Single(m => m.Subject.StartsWith("Deal won")).Text);
        Assert.Contains("now runs until 24 February 2027", mails.Single(m => m.Subject.StartsWith("Protection extended")).Text);
        Assert.Equal(3, (await app.Mailbox.To(user)).Count);
    }

    [Fact]
    public async Task A_late_user_event_does_not_bring_back_a_removed_user()
    {
        var partner = Guid.NewGuid();
        var user = Guid.NewGuid();
        var email = Address("jo");
        var pu = new PartnerUser { UserId = user, Name = "Jo", Email = email, Role = "sales" };

        await app.Bus.Publish(new PartnerUserRemoved { PartnerId = partner, Version = 3, OccurredAt = DateTimeOffset.UtcNow, Actor = "m", Partner = Events.Partner(), User = pu });
        await app.Db.WaitFor($"select count(*) from recipients where user_id = '{user}' and removed", 1);
        var late = Guid.NewGuid();
        await app.Bus.Publish(new PartnerUserAdded { PartnerId = partner, Version = 2, OccurredAt = DateTimeOffset.UtcNow, Actor = "m", Partner = Events.Partner(), User = pu }, late);
        await app.Db.WaitFor($"select count(*) from inbox where message_id = '{late}' and consumer like '%.PartnerEventsConsumer'", 1);

        Assert.True(await app.Db.Scalar<bool>("select removed from recipients where user_id = @user", new { user }));
    }

    [Fact]
    public async Task A_replay_teaches_a_late_reader_the_partners_users_and_who_is_no_longer_one()
    {
        var partner = Guid.NewGuid();
        string kept = Address("kim"), gone = Address("gil"), learned = Address("lia");
        await PartnerWithUsers(partner, kept, gone); // versions 2 and 3
        var users = await app.Db.Scalar<string>($"select string_agg(user_id || ' ' || email, ',') from recipients where owner_id = '{partner}'");
        var keptId = Guid.Parse(users.Split(',').Single(u => u.EndsWith(kept, StringComparison.Ordinal)).Split(' ')[0]);

        // The replay at version 6 lists Kim and Lia: Gil was removed in an event this service never saw, Lia added in another.
        await app.Bus.Publish(new PartnerStateReplayed
        {
            PartnerId = partner,
            Version = 6,
            OccurredAt = DateTimeOffset.UtcNow,
            Partner = Events.Partner(),
            Users =
            [
                new PartnerUser { UserId = keptId, Name = "Kim Kept", Email = kept, Role = "sales" },
                new PartnerUser { UserId = Guid.NewGuid(), Name = "Lia Learned", Email = learned, Role = "admin" },
            ],
        });
        await app.Db.WaitFor($"select count(*) from recipients where owner_id = '{partner}' and version = 6", 3);
        await app.Bus.Publish(new DealApproved { DealId = Guid.NewGuid(), Version = 2, OccurredAt = DateTimeOffset.UtcNow, Actor = "m", Deal = Events.Deal(partner, DealStatus.Approved) });

        await app.Mailbox.WaitFor(1, learned);
        await app.Mailbox.WaitFor(1, kept);
        await app.Db.WaitFor("select count(*) from mails where sent_at is null", 0);
        Assert.Empty(await app.Mailbox.To(gone));
    }
}
