using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Compliance;
using Channel.Contracts.Deals;
using Channel.Contracts.Partners;
using Channel.Contracts.Pricing;
using Channel.Testing;
using static Channel.Pricing.Tests.PricingApp;

namespace Channel.Pricing.Tests;

/// <summary>
/// Compliance holds on price authorizations: a hold on the deal, on the partner or on the PA itself suspends it (nothing is
/// sold or claimed against it meanwhile), each hold is lifted on its own, and the PA resumes as it was when the last is
/// cleared; a refusal revokes it. Its own fixture: these tests move the clock on by days.
/// </summary>
public sealed class SuspendingForCompliance(PricingApp app) : IClassFixture<PricingApp>
{
    static readonly DealLine[] Lines = [Sku("SW-9300-48P", "switching", 10, 60_000)];

    async Task<JsonElement> Pa(Guid id) => (await app.Manager().GetFromJsonAsync<JsonElement>($"/api/pricing/authorizations/{id}")).GetProperty("authorization");

    Task WaitForStatus(Guid id, string status, string holds = "{}") =>
        app.Db.WaitFor("select count(*) from authorizations where id = @id and status = @status and holds = @holds::text[]",
            args: new { id, status, holds });

    Task Screened(Guid dealId, string outcome, string status = DealStatus.Approved) =>
        app.Publish(dealId, new DealScreened
        {
            DealId = dealId,
            Version = app.DealVersion(),
            OccurredAt = app.Clock.GetUtcNow(),
            Actor = "compliance",
            Outcome = outcome,
            Reason = outcome == ScreeningOutcome.Clear ? "Cleared by a compliance officer" : "Held for compliance review: a possible screening-list match",
            Deal = deals[dealId] with { Status = status, Screening = outcome },
        });

    /// <summary>Each deal as approved, so its later events say the same of it (its protection above all).</summary>
    readonly Dictionary<Guid, DealState> deals = [];

    async Task<(Guid Partner, Guid Deal, Guid Pa, string Number)> Approved(string tier = PartnerTier.Silver, string? incumbent = null, int protectionDays = 90)
    {
        var partner = await app.Partner(tier);
        var now = app.Clock.GetUtcNow();
        var (dealId, pa) = await app.ApprovedDeal(partner, Lines, incumbent, approvedAt: now, protectionDays: protectionDays);
        deals[dealId] = Deal(partner, DealStatus.Approved, Lines, incumbent, approvedAt: now, protectionDays: protectionDays);
        return (partner, dealId, pa!.Value.GetProperty("id").GetGuid(), pa.Value.GetProperty("number").GetString()!);
    }

    [Fact]
    public async Task A_deal_held_after_approval_suspends_its_authorization_and_sales_while_suspended_earn_no_credit()
    {
        var (partner, dealId, id, number) = await Approved();
        var distributor = Guid.NewGuid();
        await app.Authorize(distributor, partner);
        var approvedOn = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);

        app.Clock.Advance(TimeSpan.FromDays(2));
        await Screened(dealId, ScreeningOutcome.Review);
        await WaitForStatus(id, PriceAuthorizationStatus.Suspended, "{deal}");
        var suspended = await app.Events.WaitFor<PriceAuthorizationSuspended>(e => e.AuthorizationId == id);
        Assert.Equal((AuthorizationHolds.Deal, false), (suspended.Hold, suspended.Cleared));
        var pa = await Pa(id);
        Assert.Equal("compliance is reviewing the deal", pa.GetProperty("suspendedReason").GetString());
        Assert.Equal([AuthorizationHolds.Deal], pa.GetProperty("holds").EnumerateArray().Select(h => h.GetString()));

        // While suspended, no line is paid: not even for a sale made before the hold.
        var during = await app.Claim(distributor, ClaimRow("C-SUSP-1", number, "INV-S1", approvedOn, partner, "SW-9300-48P", 1, 6200, 5600));
        Assert.Equal(HttpStatusCode.Created, during.StatusCode);
        Assert.Equal(ClaimReason.AuthorizationSuspended, await Reason(during));

        app.Clock.Advance(TimeSpan.FromDays(2));
        await Screened(dealId, ScreeningOutcome.Clear);
        await WaitForStatus(id, PriceAuthorizationStatus.Active);
        Assert.Equal(id, (await app.Events.WaitFor<PriceAuthorizationResumed>(e => e.AuthorizationId == id)).AuthorizationId);
        app.Clock.Advance(TimeSpan.FromDays(1));

        // Resumed: a sale before the hold and one after it are claimable; one made while it was suspended is not.
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        var after = await app.Claim(distributor,
            ClaimRow("C-SUSP-2", number, "INV-S2", approvedOn, partner, "SW-9300-48P", 1, 6200, 5600),
            ClaimRow("C-SUSP-2", number, "INV-S3", approvedOn.AddDays(3), partner, "SW-9300-48P", 1, 6200, 5600),
            ClaimRow("C-SUSP-2", number, "INV-S4", today, partner, "SW-9300-48P", 1, 6200, 5600));
        var lines = (await after.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lines").EnumerateArray()
            .ToDictionary(l => l.GetProperty("lineNo").GetInt32(), l => (l.GetProperty("status").GetString(), l.GetProperty("reason").GetString()));
        Assert.Equal((ClaimLineStatus.Pending, ClaimReason.AwaitingSellThrough), lines[1]);
        Assert.Equal((ClaimLineStatus.Rejected, ClaimReason.AuthorizationSuspended), lines[2]);
        Assert.Equal((ClaimLineStatus.Pending, ClaimReason.AwaitingSellThrough), lines[3]);
    }

    static async Task<string?> Reason(HttpResponseMessage claim) =>
        (await claim.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lines")[0].GetProperty("reason").GetString();

    [Fact]
    public async Task Each_hold_is_lifted_on_its_own_and_the_authorization_resumes_only_when_none_is_left()
    {
        var (partner, dealId, id, _) = await Approved();

        await app.Partner(PartnerTier.Silver, PartnerStatus.OnHold, partner);
        await WaitForStatus(id, PriceAuthorizationStatus.Suspended, "{partner}");
        await Screened(dealId, ScreeningOutcome.Review);
        await WaitForStatus(id, PriceAuthorizationStatus.Suspended, "{partner,deal}");

        await app.Partner(PartnerTier.Silver, PartnerStatus.Active, partner);
        await WaitForStatus(id, PriceAuthorizationStatus.Suspended, "{deal}");
        var cleared = await app.Events.WaitFor<PriceAuthorizationSuspended>(e => e.AuthorizationId == id && e.Cleared);
        Assert.Equal(AuthorizationHolds.Partner, cleared.Hold);

        await Screened(dealId, ScreeningOutcome.Clear);
        await WaitForStatus(id, PriceAuthorizationStatus.Active);
        await app.Events.Settle(app.Db);
        Assert.Single(app.Events.Of<PriceAuthorizationResumed>(), e => e.AuthorizationId == id);
    }

    [Fact]
    public async Task A_suspended_authorization_awaiting_its_second_approver_resumes_awaiting_it_and_cannot_be_approved_meanwhile()
    {
        var (_, dealId, id, _) = await Approved(PartnerTier.Platinum, incumbent: "Cisco");
        Assert.Equal(PriceAuthorizationStatus.PendingApproval, (await Pa(id)).GetProperty("status").GetString());

        await Screened(dealId, ScreeningOutcome.Review);
        await WaitForStatus(id, PriceAuthorizationStatus.Suspended, "{deal}");
        var approve = await app.Manager("second-manager").PostAsync($"/api/pricing/authorizations/{id}/approve", null);
        Assert.Equal(HttpStatusCode.Conflict, approve.StatusCode);

        await Screened(dealId, ScreeningOutcome.Clear);
        await WaitForStatus(id, PriceAuthorizationStatus.PendingApproval);
    }

    [Fact]
    public async Task Compliance_refusing_the_deal_after_approval_revokes_its_suspended_authorization()
    {
        var (_, dealId, id, _) = await Approved();
        await Screened(dealId, ScreeningOutcome.Review);
        await WaitForStatus(id, PriceAuthorizationStatus.Suspended, "{deal}");

        await Screened(dealId, ScreeningOutcome.Block, DealStatus.Rejected);

        var revoked = await app.Events.WaitFor<PriceAuthorizationRevoked>(e => e.AuthorizationId == id);
        Assert.Equal("the deal was rejected", revoked.Reason);
        Assert.Empty(revoked.Authorization.Holds);
    }

    [Fact]
    public async Task The_authorizations_own_screening_holds_clears_and_refuses_it_in_compliances_order()
    {
        var (_, _, id, _) = await Approved();
        var older = Guid.NewGuid();

        await app.Events.Publish(States.Decision(ScreeningSubject.PriceAuthorization, id.ToString(), 2, ScreeningOutcome.Review, "a covered SKU"));
        await WaitForStatus(id, PriceAuthorizationStatus.Suspended, "{authorization}");
        // An older clearance arriving late changes nothing.
        await app.Events.Publish(States.Decision(ScreeningSubject.PriceAuthorization, id.ToString(), 1, ScreeningOutcome.Clear, "Screened clear"), older);
        await app.Db.WaitFor("select count(*) from inbox where message_id = @older", args: new { older });
        Assert.Equal(PriceAuthorizationStatus.Suspended, await app.Db.Scalar<string>("select status from authorizations where id = @id", new { id }));

        await app.Events.Publish(States.Decision(ScreeningSubject.PriceAuthorization, id.ToString(), 3, ScreeningOutcome.Clear, "Cleared by a compliance officer"));
        await WaitForStatus(id, PriceAuthorizationStatus.Active);
        await app.Events.Publish(States.Decision(ScreeningSubject.PriceAuthorization, id.ToString(), 4, ScreeningOutcome.Block, "Refused by a compliance officer: covered"));
        await WaitForStatus(id, PriceAuthorizationStatus.Revoked);
        Assert.StartsWith("refused by compliance", await app.Db.Scalar<string>("select revoked_reason from authorizations where id = @id", new { id }));
    }

    [Fact]
    public async Task A_held_deal_earns_no_authorization_and_a_suspended_one_still_expires()
    {
        var partner = await app.Partner();
        var held = Guid.NewGuid();
        await app.Publish(held, new DealApproved
        {
            DealId = held,
            Version = app.DealVersion(),
            OccurredAt = app.Clock.GetUtcNow(),
            Actor = "morgan",
            Deal = Deal(partner, DealStatus.Approved, Lines, approvedAt: app.Clock.GetUtcNow()) with { Screening = ScreeningOutcome.Review },
        });
        Assert.Equal("compliance holds the deal", await app.Db.Scalar<string>("select not_eligible_reason from deals where id = @held", new { held }));
        Assert.Equal(0, await app.Db.Scalar<long>("select count(*) from authorizations where deal_id = @held", new { held }));

        var (_, dealId, id, _) = await Approved(protectionDays: 1);
        await Screened(dealId, ScreeningOutcome.Review);
        await WaitForStatus(id, PriceAuthorizationStatus.Suspended, "{deal}");
        app.Clock.Advance(TimeSpan.FromDays(2));
        await app.TimersCaughtUp();
        await WaitForStatus(id, PriceAuthorizationStatus.Expired);
    }
}
