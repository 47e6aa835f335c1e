using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Deals;
using Channel.Contracts.Partners;
using Channel.Contracts.Pricing;
using static Channel.Pricing.Tests.PricingApp;

namespace Channel.Pricing.Tests;

public sealed class IssuingPriceAuthorizations(PricingApp app) : IClassFixture<PricingApp>
{
    static decimal Number(JsonElement e, string name) => e.GetProperty(name).GetDecimal();

    [Fact]
    public async Task An_approved_deal_earns_an_active_authorization_priced_by_tier()
    {
        var partner = await app.Partner(PartnerTier.Silver);
        var (dealId, pa) = await app.ApprovedDeal(partner, [Sku("SW-9300-48P", "switching", 10, 60_000), Sku("AP-6100", "wireless", 40, 30_000)]);

        Assert.NotNull(pa);
        var a = pa.Value;
        Assert.Equal(PriceAuthorizationStatus.Active, a.GetProperty("status").GetString());
        Assert.Matches(@"^PA-2026-\d{6}$", a.GetProperty("number").GetString());
        Assert.Equal(dealId, a.GetProperty("dealId").GetGuid());
        Assert.Equal(Start.AddDays(90), a.GetProperty("validUntil").GetDateTimeOffset());
        var lines = a.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(2, lines.Count);
        // Silver: 44 % off list; the net cost is what the distributor may sell at, the credit (book − net) what it claims.
        Assert.Equal(("SW-9300-48P", 10m, 44m, 10_000m, 6_200m, 5_600m),
            (lines[0].GetProperty("sku").GetString(), Number(lines[0], "maxQuantity"), Number(lines[0], "discountPercent"),
             Number(lines[0], "listPrice"), Number(lines[0], "bookCost"), Number(lines[0], "netCost")));
        Assert.Equal((1_200m, 744m, 672m), (Number(lines[1], "listPrice"), Number(lines[1], "bookCost"), Number(lines[1], "netCost")));
        Assert.Equal(10 * 600m + 40 * 72m, Number(a, "authorizedCredit"));
        // The deal at net price: each line's registered amount × net ÷ list (0.56 for both).
        Assert.Equal((90_000m, 33_600m + 16_800m), (Number(a, "registeredValue"), Number(a, "netValue")));
        var issued = await app.Events.WaitFor<PriceAuthorizationIssued>(e => e.Authorization.DealId == dealId);
        Assert.Equal(1, issued.Version);
        Assert.Equal((10 * 600m + 40 * 72m, 90_000m, 50_400m), (issued.Authorization.AuthorizedCredit, issued.Authorization.RegisteredValue, issued.Authorization.NetValue));
    }

    [Fact]
    public async Task A_family_line_covers_every_SKU_of_the_family_at_its_own_price()
    {
        var partner = await app.Partner(PartnerTier.Gold);
        var (_, pa) = await app.ApprovedDeal(partner, [Family("switching", 20, 150_000)]);

        var line = pa!.Value.GetProperty("lines")[0];
        Assert.Equal(JsonValueKind.Null, line.GetProperty("sku").ValueKind);
        var prices = line.GetProperty("prices").EnumerateArray().ToDictionary(p => p.GetProperty("sku").GetString()!, p => Number(p, "netCost"));
        // Gold: 48 % off list.
        Assert.Equal(new Dictionary<string, decimal> { ["SW-9300-24P"] = 3_120m, ["SW-9300-48P"] = 5_200m }, prices);
        Assert.Equal((150_000m, 78_000m), (Number(pa.Value, "registeredValue"), Number(pa.Value, "netValue")));
    }

    [Fact]
    public async Task A_deal_approved_before_its_products_had_a_book_price_gets_its_authorization_when_the_price_list_arrives()
    {
        var partner = await app.Partner(PartnerTier.Silver);
        var sku = $"RT-{Random.Shared.Next(100_000, 999_999)}";
        var (dealId, none) = await app.ApprovedDeal(partner, [Sku(sku, "routing", 4, 40_000)]);
        Assert.Null(none);
        var before = await app.Partner(partner).GetFromJsonAsync<JsonElement>($"/api/pricing/deals/{dealId}");
        Assert.Equal("the price book has no USD price for any of the deal's lines", before.GetProperty("notEligibleReason").GetString());
        // A deal that lost meanwhile gets nothing from the same list.
        var (lostId, _) = await app.ApprovedDeal(partner, [Sku(sku, "routing", 1, 10_000)]);
        await app.Publish(lostId, new DealLost { DealId = lostId, Version = app.DealVersion(), OccurredAt = Start, Actor = "p", Reason = "budget", Deal = Deal(partner, DealStatus.Lost, [Sku(sku, "routing", 1, 10_000)]) });

        var upload = await app.Manager().PostAsync("/api/pricing/price-lists?name=routing", Csv($"sku,product_family,list_price,distributor_cost,currency,effective_from\n{sku},routing,10000,6200,USD,2026-01-01"));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);

        var after = await app.Partner(partner).GetFromJsonAsync<JsonElement>($"/api/pricing/deals/{dealId}");
        var a = after.GetProperty("authorization");
        Assert.Equal((PriceAuthorizationStatus.Active, 44m), (a.GetProperty("status").GetString(), Number(a.GetProperty("lines")[0], "discountPercent")));
        await app.Events.WaitFor<PriceAuthorizationIssued>(e => e.Authorization.DealId == dealId);
        var lost = await app.Manager().GetFromJsonAsync<JsonElement>($"/api/pricing/deals/{lostId}");
        Assert.Equal(JsonValueKind.Null, lost.GetProperty("authorization").ValueKind);
    }

    [Fact]
    public async Task A_named_competitor_adds_the_bonus_and_a_deep_discount_needs_a_second_approver()
    {
        var partner = await app.Partner(PartnerTier.Platinum);
        var (_, pa) = await app.ApprovedDeal(partner, [Sku("FW-500", "security", 5, 40_000)], incumbent: "Juniper", approvedBy: "morgan");

        var a = pa!.Value;
        Assert.Equal(57m, Number(a.GetProperty("lines")[0], "discountPercent")); // platinum 52 + competitive 5, above the 55 threshold
        Assert.Equal(PriceAuthorizationStatus.PendingApproval, a.GetProperty("status").GetString());
        var id = a.GetProperty("id").GetGuid();

        var same = await app.Manager("morgan").PostAsync($"/api/pricing/authorizations/{id}/approve", null);
        Assert.Equal(HttpStatusCode.Forbidden, same.StatusCode);
        var other = await app.Manager("riley").PostAsync($"/api/pricing/authorizations/{id}/approve", null);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        var approved = await other.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((PriceAuthorizationStatus.Active, "riley"), (approved.GetProperty("status").GetString(), approved.GetProperty("approvedBy").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, (await app.Manager("casey").PostAsync($"/api/pricing/authorizations/{id}/approve", null)).StatusCode);
        await app.Events.WaitFor<PriceAuthorizationApproved>(e => e.AuthorizationId == id && e.Actor == "riley");
    }

    [Fact]
    public async Task A_named_vendor_that_is_not_a_listed_competitor_earns_no_bonus()
    {
        var partner = await app.Partner(PartnerTier.Silver);
        var (_, pa) = await app.ApprovedDeal(partner, [Sku("FW-500", "security", 5, 40_000)], incumbent: "Acme Routers");
        Assert.Equal(44m, Number(pa!.Value.GetProperty("lines")[0], "discountPercent"));
        Assert.Equal(PriceAuthorizationStatus.Active, pa.Value.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_deal_below_the_minimum_or_without_prices_earns_none_and_says_why()
    {
        var partner = await app.Partner();
        var (small, none) = await app.ApprovedDeal(partner, [Sku("AP-6100", "wireless", 2, 2_400)]);
        Assert.Null(none);
        Assert.Contains("below the minimum", await app.Db.Scalar<string>("select not_eligible_reason from deals where id = @small", new { small }));

        var (unpriced, nothing) = await app.ApprovedDeal(partner, [Sku("XX-1", "optics", 100, 90_000)]);
        Assert.Null(nothing);
        Assert.Contains("no USD price", await app.Db.Scalar<string>("select not_eligible_reason from deals where id = @unpriced", new { unpriced }));

        // The deal's pricing says why, to its partner; another partner's token finds no such deal.
        var answer = await app.Partner(partner).GetFromJsonAsync<JsonElement>($"/api/pricing/deals/{small}");
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("authorization").ValueKind);
        Assert.Contains("below the minimum", answer.GetProperty("notEligibleReason").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await app.Partner(await app.Partner()).GetAsync($"/api/pricing/deals/{small}")).StatusCode);
        var (priced, pa) = await app.ApprovedDeal(partner, [Sku("AP-6100", "wireless", 20, 24_000)]);
        var withPa = await app.Partner(partner).GetFromJsonAsync<JsonElement>($"/api/pricing/deals/{priced}");
        Assert.Equal(pa!.Value.GetProperty("number").GetString(), withPa.GetProperty("authorization").GetProperty("number").GetString());
        Assert.Equal(JsonValueKind.Null, withPa.GetProperty("authorization").GetProperty("lines")[0].GetProperty("netCost").ValueKind);
    }

    [Fact]
    public async Task A_deal_approved_before_its_partner_is_known_gets_its_authorization_when_the_partner_arrives()
    {
        var partner = Guid.NewGuid();
        var (dealId, pa) = await app.ApprovedDeal(partner, [Sku("FW-500", "security", 3, 24_000)]);
        Assert.Null(pa);

        await app.Partner(PartnerTier.Gold, id: partner);
        await app.Db.WaitFor("select count(*) from authorizations where deal_id = @dealId", args: new { dealId });
        Assert.Equal(PartnerTier.Gold, await app.Db.Scalar<string>("select tier from authorizations where deal_id = @dealId", new { dealId }));
    }

    [Fact]
    public async Task The_authorization_follows_its_deal_extended_then_lost()
    {
        var partner = await app.Partner();
        var lines = new[] { Sku("SW-9300-24P", "switching", 4, 24_000) };
        var (dealId, pa) = await app.ApprovedDeal(partner, lines);
        var id = pa!.Value.GetProperty("id").GetGuid();

        var extended = Deal(partner, DealStatus.Approved, lines, protectionDays: 180);
        await app.Publish(dealId, new DealExtended { DealId = dealId, Version = app.DealVersion(), OccurredAt = Start, Actor = "morgan", Deal = extended });
        await app.Events.WaitFor<PriceAuthorizationExtended>(e => e.AuthorizationId == id && e.Authorization.ValidUntil == Start.AddDays(180));

        var lost = Deal(partner, DealStatus.Lost, lines);
        await app.Publish(dealId, new DealLost { DealId = dealId, Version = app.DealVersion(), OccurredAt = Start, Actor = "sam", Reason = "price", Deal = lost });
        var revoked = await app.Events.WaitFor<PriceAuthorizationRevoked>(e => e.AuthorizationId == id);
        Assert.Equal("the deal was lost", revoked.Reason);
        Assert.Equal(PriceAuthorizationStatus.Revoked, revoked.Authorization.Status);
    }

    [Fact]
    public async Task A_late_older_deal_event_changes_nothing()
    {
        var partner = await app.Partner();
        var lines = new[] { Sku("SW-9300-24P", "switching", 4, 24_000) };
        var (dealId, pa) = await app.ApprovedDeal(partner, lines);
        var id = pa!.Value.GetProperty("id").GetGuid();

        // A "lost" that was overtaken by the approval (an older version) must not revoke anything.
        await app.Events.Publish(new DealLost { DealId = dealId, Version = 1, OccurredAt = Start, Actor = "sam", Reason = "old", Deal = Deal(partner, DealStatus.Lost, lines) });
        await app.Events.Publish(new DealWon { DealId = dealId, Version = app.DealVersion(), OccurredAt = Start, Actor = "sam", Source = "registrant", Deal = Deal(partner, DealStatus.Won, lines) });
        await app.Db.WaitFor($"select count(*) from deals where id = @dealId and status = '{DealStatus.Won}'", args: new { dealId });
        await app.Events.Settle(app.Db);
        Assert.Equal(PriceAuthorizationStatus.Active, await app.Db.Scalar<string>("select status from authorizations where id = @id", new { id }));
        Assert.DoesNotContain(app.Events.Of<PriceAuthorizationRevoked>(), e => e.AuthorizationId == id);
    }

    [Fact]
    public async Task A_suspended_partner_loses_its_live_authorizations()
    {
        var partner = await app.Partner();
        var (_, first) = await app.ApprovedDeal(partner, [Sku("FW-500", "security", 2, 16_000)]);
        var (_, second) = await app.ApprovedDeal(partner, [Sku("SW-9300-48P", "switching", 2, 20_000)]);

        await app.Partner(PartnerTier.Silver, PartnerStatus.Suspended, partner);
        foreach (var pa in new[] { first, second })
        {
            var id = pa!.Value.GetProperty("id").GetGuid();
            var revoked = await app.Events.WaitFor<PriceAuthorizationRevoked>(e => e.AuthorizationId == id);
            Assert.Equal("the partner was suspended", revoked.Reason);
        }
    }

    [Fact]
    public async Task A_manager_revokes_with_a_reason_and_a_revoked_one_cannot_be_revoked_again()
    {
        var partner = await app.Partner();
        var (_, pa) = await app.ApprovedDeal(partner, [Sku("FW-500", "security", 2, 16_000)]);
        var id = pa!.Value.GetProperty("id").GetGuid();

        var noReason = await app.Manager().PostAsJsonAsync($"/api/pricing/authorizations/{id}/revoke", new { });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("reason", await noReason.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await app.Manager().PostAsJsonAsync($"/api/pricing/authorizations/{id}/revoke", new { reason = "audit" })).StatusCode);
        var again = await app.Manager().PostAsJsonAsync($"/api/pricing/authorizations/{id}/revoke", new { reason = "audit" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(PriceAuthorizationStatus.Revoked, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("currentStatus").GetString());
    }
}
