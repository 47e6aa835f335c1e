using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Channel.Pricing.Tests.PricingApp;

namespace Channel.Pricing.Tests;

/// <summary>A partner sees its own PAs without the distributors' costs; a distributor the PAs it may sell against and its own claims; nobody else's.</summary>
public sealed class EnforcingPricingScope(PricingApp app) : IClassFixture<PricingApp>
{
    [Fact]
    public async Task Partners_see_their_own_authorizations_without_distributor_costs()
    {
        var mine = await app.Partner();
        var theirs = await app.Partner();
        var (_, pa) = await app.ApprovedDeal(mine, [Sku("SW-9300-48P", "switching", 2, 20_000)]);
        var (_, other) = await app.ApprovedDeal(theirs, [Sku("SW-9300-48P", "switching", 2, 20_000)]);
        var id = pa!.Value.GetProperty("id").GetGuid();
        var otherId = other!.Value.GetProperty("id").GetGuid();

        var list = await app.Partner(mine).GetFromJsonAsync<JsonElement>("/api/pricing/authorizations");
        var ids = list.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetGuid()).ToList();
        Assert.Equal([id], ids);
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        // Asking for the other partner's by its id or partnerId filter finds nothing.
        Assert.Equal(0, (await app.Partner(mine).GetFromJsonAsync<JsonElement>($"/api/pricing/authorizations?partnerId={theirs}")).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await app.Partner(mine).GetAsync($"/api/pricing/authorizations/{otherId}")).StatusCode);

        var own = await app.Partner(mine).GetFromJsonAsync<JsonElement>($"/api/pricing/authorizations/{id}");
        var text = own.GetRawText();
        var line = own.GetProperty("authorization").GetProperty("lines")[0];
        Assert.Equal(10_000m, line.GetProperty("listPrice").GetDecimal());
        Assert.Equal(JsonValueKind.Null, line.GetProperty("bookCost").ValueKind);
        Assert.Equal(JsonValueKind.Null, line.GetProperty("netCost").ValueKind);
        Assert.Equal(JsonValueKind.Null, own.GetProperty("authorization").GetProperty("authorizedCredit").ValueKind);
        Assert.DoesNotContain("6200", text);
        Assert.DoesNotContain("5600", text);
        // Staff see the costs of the same PA.
        var staff = await app.Leader().GetFromJsonAsync<JsonElement>($"/api/pricing/authorizations/{id}");
        Assert.Equal(5_600m, staff.GetProperty("authorization").GetProperty("lines")[0].GetProperty("netCost").GetDecimal());
        // A partner looks prices up but never sees the distributor cost.
        var price = await app.Partner(mine).GetFromJsonAsync<JsonElement>("/api/pricing/prices/SW-9300-48P");
        Assert.Equal(JsonValueKind.Null, price.GetProperty("distributorCost").ValueKind);
        Assert.Equal(6_200m, (await app.Leader().GetFromJsonAsync<JsonElement>("/api/pricing/prices/SW-9300-48P")).GetProperty("distributorCost").GetDecimal());
        // And has no claims to see.
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Partner(mine).GetAsync("/api/pricing/claims")).StatusCode);
    }

    [Fact]
    public async Task Distributors_see_the_authorizations_they_may_sell_against_and_only_their_own_claims()
    {
        var partner = await app.Partner();
        var serving = Guid.NewGuid();
        var elsewhere = Guid.NewGuid();
        await app.Authorize(serving, partner, regions: "CA");
        await app.Authorize(elsewhere, partner, regions: "TX");
        var (_, pa) = await app.ApprovedDeal(partner, [Sku("AP-6100", "wireless", 10, 12_000)]);
        var id = pa!.Value.GetProperty("id").GetGuid();
        var number = pa.Value.GetProperty("number").GetString()!;

        Assert.Contains((await app.Distributor(serving).GetFromJsonAsync<JsonElement>("/api/pricing/authorizations")).GetProperty("items").EnumerateArray(),
            a => a.GetProperty("id").GetGuid() == id);
        var detail = await app.Distributor(serving).GetFromJsonAsync<JsonElement>($"/api/pricing/authorizations/{id}");
        Assert.Equal([serving], detail.GetProperty("eligibleDistributors").EnumerateArray().Select(d => d.GetProperty("distributorId").GetGuid()));
        Assert.Equal(672m, detail.GetProperty("authorization").GetProperty("lines")[0].GetProperty("netCost").GetDecimal());
        Assert.Equal(0, (await app.Distributor(elsewhere).GetFromJsonAsync<JsonElement>("/api/pricing/authorizations")).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await app.Distributor(elsewhere).GetAsync($"/api/pricing/authorizations/{id}")).StatusCode);
        // Staff see both distributors the partner has, and which one serves the customer's region.
        var staff = await app.Manager().GetFromJsonAsync<JsonElement>($"/api/pricing/authorizations/{id}");
        Assert.Equal([serving], staff.GetProperty("eligibleDistributors").EnumerateArray().Select(d => d.GetProperty("distributorId").GetGuid()));

        var claim = await app.Claim(serving, ClaimRow("S-1", number, "INV-S", Today, partner, "AP-6100", 1, 744, 672));
        var claimId = (await claim.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("claim").GetProperty("id").GetGuid();
        var theirClaim = await app.Claim(elsewhere, ClaimRow("S-1", number, "INV-S", Today, partner, "AP-6100", 1, 744, 672));
        var theirId = (await theirClaim.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("claim").GetProperty("id").GetGuid();
        Assert.NotEqual(claimId, theirId); // claim numbers are each distributor's own

        var listed = await app.Distributor(serving).GetFromJsonAsync<JsonElement>("/api/pricing/claims");
        Assert.Equal([claimId], listed.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
        Assert.Equal(0, (await app.Distributor(serving).GetFromJsonAsync<JsonElement>($"/api/pricing/claims?distributorId={elsewhere}")).GetProperty("total").GetInt32());
        foreach (var path in new[] { $"/api/pricing/claims/{theirId}", $"/api/pricing/claims/{theirId}/lines", $"/api/pricing/claims/{theirId}/response.csv" })
            Assert.Equal(HttpStatusCode.NotFound, (await app.Distributor(serving).GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Distributor(serving).GetAsync($"/api/pricing/claims/{claimId}/lines")).StatusCode);
        // The one that claimed from elsewhere was refused as not eligible, and now sees the PA it claimed against.
        Assert.Equal(HttpStatusCode.OK, (await app.Distributor(elsewhere).GetAsync($"/api/pricing/authorizations/{id}")).StatusCode);
        var staffList = await app.Leader().GetFromJsonAsync<JsonElement>($"/api/pricing/claims?distributorId={elsewhere}");
        Assert.Equal([theirId], staffList.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task Partners_and_leadership_do_not_submit_claims_and_only_managers_upload_prices()
    {
        var partner = await app.Partner();
        var csv = string.Join("\n", ClaimHeader, ClaimRow("P-1", "PA-2026-000001", "INV-1", Today, partner, "AP-6100", 1, 744, 672));
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Partner(partner).PostAsync("/api/pricing/claims", Csv(csv))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Leader().PostAsync("/api/pricing/claims", Csv(csv))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Partner(partner).PostAsync("/api/pricing/price-lists", Csv(PriceList))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Distributor(Guid.NewGuid()).PostAsync("/api/pricing/price-lists", Csv(PriceList))).StatusCode);
    }
}
