using Channel.Contracts.Distributors;
using Channel.Contracts.Pricing;
using Channel.Testing;

namespace Channel.Notifications.Tests;

/// <summary>Special pricing reaches whom it concerns: the partner its PA and bids, the managers what waits for them, the distributor its claims.</summary>
public sealed class MailingAboutSpecialPricing(NotificationsApp app) : IClassFixture<NotificationsApp>
{
    static readonly string[] Managers = ["mia@acme.example", "max@acme.example", NotificationsApp.AdminEmail];

    static PriceAuthorizationState Pa(Guid partner, string number, string status, int revision = 1) => new()
    {
        Number = number,
        DealId = Guid.NewGuid(),
        PartnerId = partner,
        CustomerName = "Harbor Clinics",
        CustomerCountry = "US",
        CustomerRegion = "WA",
        Status = status,
        Revision = revision,
        Tier = "platinum",
        ValidFrom = DateTimeOffset.UtcNow,
        ValidUntil = new DateTimeOffset(2027, 2, 23, 0, 0, 0, TimeSpan.Zero),
        Currency = "USD",
        AuthorizedCredit = 1_800m,
        RegisteredValue = 60_000m,
        NetValue = 25_800m,
        Lines = [new PriceAuthorizationLine { LineNo = 1, Sku = "SW-9300-48P", ProductFamily = "switching", MaxQuantity = 6, DiscountPercent = 57m, Currency = "USD", Prices = [] }],
    };

    Task<List<CaughtMail>> About(string text, int count, params string[] to) =>
        Eventually.Value(async () => (await app.Mailbox.To(to)).Where(m => m.Subject.Contains(text, StringComparison.Ordinal)).ToList(),
            got => got.Count >= count, $"{count} mails about {text}");

    /// <summary>A partner with one user (Pia), once Notifications knows her as a recipient.</summary>
    async Task<(Guid Partner, string Email)> PartnerWithUser()
    {
        var partner = Guid.NewGuid();
        var email = $"pia-{Guid.NewGuid():N}@partners.example";
        await app.Bus.Publish(Events.UserAdded(partner, 2, email, "Pia Partner"));
        await app.Db.WaitFor($"select count(*) from recipients where owner_id = '{partner}'", 1);
        return (partner, email);
    }

    [Fact]
    public async Task A_PA_its_bid_and_its_revocation_reach_the_partner_and_what_waits_reaches_the_managers()
    {
        var (partner, partnerUser) = await PartnerWithUser();
        var id = Guid.NewGuid();
        var number = $"PA-2026-{Random.Shared.Next(100_000, 999_999)}";
        var bid = Guid.NewGuid();

        await app.Bus.Publish(new PriceAuthorizationIssued { AuthorizationId = id, Version = 1, OccurredAt = DateTimeOffset.UtcNow, Authorization = Pa(partner, number, PriceAuthorizationStatus.PendingApproval) });
        await app.Bus.Publish(new SpecialBidRequested
        {
            AuthorizationId = id,
            Version = 3,
            OccurredAt = DateTimeOffset.UtcNow,
            Authorization = Pa(partner, number, PriceAuthorizationStatus.Active),
            Bid = new SpecialBid
            {
                BidId = bid,
                RequestedBy = "pia",
                RequestedRole = "partner",
                Competitor = "Cisco",
                Justification = "Cisco quoted 60 % off.",
                Lines = [new SpecialBidLine { LineNo = 1, Sku = "SW-9300-48P", RequestedNetCost = 4_000m }],
            },
        });
        await app.Bus.Publish(new PriceAuthorizationRevised { AuthorizationId = id, Version = 4, OccurredAt = DateTimeOffset.UtcNow, Actor = "max", SpecialBidId = bid, Countered = true, Authorization = Pa(partner, number, PriceAuthorizationStatus.Active, 2) });
        await app.Bus.Publish(new PriceAuthorizationRevoked { AuthorizationId = id, Version = 5, OccurredAt = DateTimeOffset.UtcNow, Actor = "pricing", Reason = "the deal was lost", Authorization = Pa(partner, number, PriceAuthorizationStatus.Revoked, 2) });

        var toPartner = await About(number, 3, partnerUser);
        Assert.Equal([$"{number} for Harbor Clinics was withdrawn", $"{number}: special pricing for Harbor Clinics (waiting for a second approval)", $"Special bid on {number} countered"],
            toPartner.Select(m => m.Subject).Order());
        var issued = toPartner.Single(m => m.Subject.Contains("special pricing"));
        Assert.Contains("up to 57 % off list, valid until 2027-02-23", issued.Text);
        Assert.Contains("worth 25,800.00 USD", issued.Text);
        Assert.Contains("/#/deal?id=", issued.Text);
        Assert.Contains("Why: the deal was lost", toPartner.Single(m => m.Subject.Contains("withdrawn")).Text);
        Assert.Contains("Revision 2 of the authorization", toPartner.Single(m => m.Subject.Contains("countered")).Text);

        var toManagers = await About(number, 6, Managers);
        Assert.Equal(3, toManagers.Count(m => m.Subject == $"{number} (57 % off list) waits for a second approver"));
        var asked = toManagers.Where(m => m.Subject.StartsWith($"Special bid on {number}", StringComparison.Ordinal)).ToList();
        Assert.Equal(Managers.Order(), asked.SelectMany(m => m.To).Order());
        Assert.Contains("SW-9300-48P at 4,000.00 USD", asked[0].Text);
        Assert.Contains("Competitor: Cisco", asked[0].Text);
        // The partner hears nothing of the bid before it is decided, the managers nothing of the partner's news.
        await app.Db.WaitFor("select count(*) from mails where sent_at is null", 0);
        Assert.Equal(3, (await app.Mailbox.To(partnerUser)).Count);
        Assert.Equal(6, (await app.Mailbox.To(Managers)).Count(m => m.Subject.Contains(number, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_partner_hears_when_compliance_suspends_its_PA_and_when_it_is_in_force_again_but_not_of_each_hold()
    {
        var (partner, partnerUser) = await PartnerWithUser();
        var id = Guid.NewGuid();
        var number = $"PA-2026-{Random.Shared.Next(100_000, 999_999)}";
        PriceAuthorizationState Held(params string[] holds) => Pa(partner, number, PriceAuthorizationStatus.Suspended) with { Holds = holds };

        await app.Bus.Publish(new PriceAuthorizationSuspended
        {
            AuthorizationId = id,
            Version = 2,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "compliance",
            Hold = AuthorizationHolds.Deal,
            Reason = "compliance is reviewing the deal",
            Authorization = Held(AuthorizationHolds.Deal)
        });
        // A second hold, and that hold cleared: the PA stays suspended, nothing new for the partner.
        Guid[] quiet = [Guid.NewGuid(), Guid.NewGuid()];
        await app.Bus.Publish(new PriceAuthorizationSuspended
        {
            AuthorizationId = id,
            Version = 3,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "pricing",
            Hold = AuthorizationHolds.Partner,
            Reason = "the partner is on hold",
            Authorization = Held(AuthorizationHolds.Deal, AuthorizationHolds.Partner)
        },
            quiet[0]);
        await app.Bus.Publish(new PriceAuthorizationSuspended
        {
            AuthorizationId = id,
            Version = 4,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "pricing",
            Hold = AuthorizationHolds.Partner,
            Cleared = true,
            Reason = "the partner hold is cleared",
            Authorization = Held(AuthorizationHolds.Deal)
        },
            quiet[1]);
        await app.Bus.Publish(new PriceAuthorizationResumed
        {
            AuthorizationId = id,
            Version = 5,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "compliance",
            Authorization = Pa(partner, number, PriceAuthorizationStatus.Active)
        });

        var mails = await About(number, 2, partnerUser);
        Assert.Equal([$"{number} for Harbor Clinics is in force again", $"{number} for Harbor Clinics is suspended by compliance"], mails.Select(m => m.Subject).Order());
        Assert.Contains("Why: compliance is reviewing the deal", mails.Single(m => m.Subject.Contains("suspended")).Text);
        Assert.Contains("valid until 2027-02-23", mails.Single(m => m.Subject.Contains("in force")).Text);
        await app.Db.WaitFor("select count(*) from mails where sent_at is null", 0);
        await app.Db.WaitFor("select count(*) from inbox where message_id = any(@quiet)", 2, args: new { quiet });
        Assert.Equal(2, (await app.Mailbox.To(partnerUser)).Count);
    }

    [Fact]
    public async Task A_distributor_hears_its_claim_answered_and_settled()
    {
        var distributor = Guid.NewGuid();
        var user = $"dan-{Guid.NewGuid():N}@dist.example";
        await app.Bus.Publish(new DistributorUserAdded
        {
            DistributorId = distributor,
            Version = 2,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "manager",
            User = new DistributorUser { UserId = Guid.NewGuid(), Name = "Dan Distributor", Email = user, Role = "operations" },
            Distributor = new DistributorState { Name = "Tailspin Distribution", Countries = ["US"], Regions = ["WA"] },
        });
        await app.Db.WaitFor($"select count(*) from recipients where owner_id = '{distributor}'", 1);
        var claimId = Guid.NewGuid();
        var number = $"TS-{Random.Shared.Next(100_000, 999_999)}";
        ClaimState Claim(string status, string? memo) => new()
        {
            ClaimNumber = number,
            DistributorId = distributor,
            Status = status,
            ReceivedAt = DateTimeOffset.UtcNow,
            Currency = "USD",
            LineCount = 5,
            AcceptedLines = 2,
            AdjustedLines = 1,
            RejectedLines = 1,
            PendingLines = 1,
            DisputedLines = 0,
            ClaimedAmount = 3_000m,
            AcceptedCredit = 2_160m,
            OverrideCredit = 0m,
            CreditMemo = memo,
        };

        await app.Bus.Publish(new ClaimReceived { ClaimId = claimId, Version = 1, OccurredAt = DateTimeOffset.UtcNow, Actor = "dan", Claim = Claim(ClaimStatus.Validated, null), Lines = [] });
        await app.Bus.Publish(new ClaimSettled { ClaimId = claimId, Version = 4, OccurredAt = DateTimeOffset.UtcNow, Actor = "max", Claim = Claim(ClaimStatus.Settled, "CM-2026-000042") });

        var mails = await About(number, 2, user);
        Assert.Equal([$"Claim {number} settled: credit memo CM-2026-000042", $"Claim {number}: 2 accepted, 1 rejected, 1 pending"], mails.Select(m => m.Subject).Order());
        var answered = mails.Single(m => m.Subject.Contains("accepted"));
        Assert.Contains("of 5 lines, 2 accepted, 1 adjusted, 1 rejected and 1 pending", answered.Text);
        Assert.Contains($"/api/pricing/claims/{claimId}/response.csv", answered.Text);
        Assert.Contains("credit memo CM-2026-000042 for 2,160.00 USD", mails.Single(m => m.Subject.Contains("settled")).Text);
    }
}
