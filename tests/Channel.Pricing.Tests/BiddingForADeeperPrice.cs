using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Partners;
using Channel.Contracts.Pricing;
using static Channel.Pricing.Tests.PricingApp;

namespace Channel.Pricing.Tests;

/// <summary>Special bids: a deeper price asked for on an active PA, approved, countered or rejected by a channel manager.</summary>
public sealed class BiddingForADeeperPrice(PricingApp app) : IClassFixture<PricingApp>
{
    /// <summary>A silver partner's active PA: SW-9300-48P nets 5,600 (44 % off 10,000), a switching family line of 20.</summary>
    async Task<(Guid Partner, Guid Distributor, Guid PaId)> Setup()
    {
        var partner = await app.Partner(PartnerTier.Silver);
        var distributor = Guid.NewGuid();
        await app.Authorize(distributor, partner);
        var (_, pa) = await app.ApprovedDeal(partner, [Sku("SW-9300-48P", "switching", 10, 60_000), Family("switching", 20, 100_000)]);
        return (partner, distributor, pa!.Value.GetProperty("id").GetGuid());
    }

    static decimal NetCost(JsonElement pa, int line, string sku) =>
        pa.GetProperty("lines")[line - 1].GetProperty("prices").EnumerateArray().Single(p => p.GetProperty("sku").GetString() == sku).GetProperty("netCost").GetDecimal();

    [Fact]
    public async Task A_partner_asks_by_discount_and_an_approved_bid_makes_the_next_revision()
    {
        var (partner, _, paId) = await Setup();
        var asked = await app.Partner(partner).PostAsJsonAsync($"/api/pricing/authorizations/{paId}/special-bids", new
        {
            competitor = "Arista",
            justification = "Arista offered 50 % off list on the core switches.",
            lines = new object[] { new { lineNo = 1, requestedDiscountPercent = 50m }, new { lineNo = 2, sku = "SW-9300-24P", requestedDiscountPercent = 50m } },
        });
        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        var bid = await asked.Content.ReadFromJsonAsync<JsonElement>();
        // The partner sees the discounts it asked for, never a net cost.
        Assert.All(bid.GetProperty("lines").EnumerateArray(), l => Assert.Equal(JsonValueKind.Null, l.GetProperty("requestedNetCost").ValueKind));
        Assert.Equal(50m, bid.GetProperty("lines")[0].GetProperty("requestedDiscountPercent").GetDecimal());
        var bidId = bid.GetProperty("id").GetGuid();
        var requested = await app.Events.WaitFor<SpecialBidRequested>(e => e.Bid.BidId == bidId);
        Assert.Equal([5_000m, 3_000m], requested.Bid.Lines.Select(l => l.RequestedNetCost));

        // One waits at a time.
        var second = await app.Partner(partner).PostAsJsonAsync($"/api/pricing/authorizations/{paId}/special-bids",
            new { justification = "again", lines = new[] { new { lineNo = 1, requestedDiscountPercent = 60m } } });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);

        var approved = await app.Manager().PostAsync($"/api/pricing/authorizations/{paId}/special-bids/{bidId}/approve", null);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var pa = await approved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, pa.GetProperty("revision").GetInt32());
        Assert.Equal((5_000m, 3_000m, 5_600m), (NetCost(pa, 1, "SW-9300-48P"), NetCost(pa, 2, "SW-9300-24P"), NetCost(pa, 2, "SW-9300-48P")));
        Assert.Equal(50m, pa.GetProperty("lines")[0].GetProperty("discountPercent").GetDecimal());
        var revised = await app.Events.WaitFor<PriceAuthorizationRevised>(e => e.AuthorizationId == paId);
        Assert.Equal((bidId, false, 2), (revised.SpecialBidId, revised.Countered, revised.Authorization.Revision));
        Assert.Equal(HttpStatusCode.Conflict, (await app.Manager().PostAsync($"/api/pricing/authorizations/{paId}/special-bids/{bidId}/approve", null)).StatusCode);

        var detail = await app.Partner(partner).GetFromJsonAsync<JsonElement>($"/api/pricing/authorizations/{paId}");
        var shown = detail.GetProperty("specialBids")[0];
        Assert.Equal((SpecialBidStatus.Approved, 2, 50m), (shown.GetProperty("status").GetString(), shown.GetProperty("revision").GetInt32(),
            shown.GetProperty("lines")[0].GetProperty("decidedDiscountPercent").GetDecimal()));
        Assert.Contains(detail.GetProperty("history").EnumerateArray(), h => h.GetProperty("action").GetString() == "special_bid_approved");
    }

    [Fact]
    public async Task A_price_deeper_than_the_threshold_is_never_given_by_the_deals_approver_alone()
    {
        var (partner, _, paId) = await Setup(); // the deal was approved by morgan
        async Task<Guid> Ask(decimal percent)
        {
            var asked = await app.Partner(partner).PostAsJsonAsync($"/api/pricing/authorizations/{paId}/special-bids",
                new { justification = "Cisco is in.", lines = new[] { new { lineNo = 1, requestedDiscountPercent = percent } } });
            Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
            return (await asked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }
        var deep = await Ask(60m);
        var morgan = app.Manager("morgan");
        var refused = await morgan.PostAsync($"/api/pricing/authorizations/{paId}/special-bids/{deep}/approve", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("55", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await morgan.PostAsJsonAsync($"/api/pricing/authorizations/{paId}/special-bids/{deep}/counter",
            new { lines = new[] { new { lineNo = 1, netCost = 4_400m } } })).StatusCode); // 56 %
        // Nothing was written: the bid still waits, the PA is at its first revision.
        var still = await app.Manager().GetFromJsonAsync<JsonElement>($"/api/pricing/authorizations/{paId}");
        Assert.Equal((1, SpecialBidStatus.Requested), (still.GetProperty("authorization").GetProperty("revision").GetInt32(),
            still.GetProperty("specialBids")[0].GetProperty("status").GetString()));

        // The deal's approver may counter within the threshold; another manager may give the deep price.
        var countered = await morgan.PostAsJsonAsync($"/api/pricing/authorizations/{paId}/special-bids/{deep}/counter",
            new { lines = new[] { new { lineNo = 1, netCost = 4_500m } } }); // 55 %
        Assert.Equal(HttpStatusCode.OK, countered.StatusCode);
        var again = await Ask(60m);
        var riley = await app.Manager("riley").PostAsync($"/api/pricing/authorizations/{paId}/special-bids/{again}/approve", null);
        Assert.Equal(HttpStatusCode.OK, riley.StatusCode);
        Assert.Equal(4_000m, NetCost(await riley.Content.ReadFromJsonAsync<JsonElement>(), 1, "SW-9300-48P"));
    }

    [Fact]
    public async Task A_manager_counters_a_distributors_bid_or_rejects_it_with_a_reason()
    {
        var (_, distributor, paId) = await Setup();
        var asked = await app.Distributor(distributor).PostAsJsonAsync($"/api/pricing/authorizations/{paId}/special-bids",
            new { competitor = "Juniper", justification = "Juniper at 4,800.", lines = new[] { new { lineNo = 1, requestedNetCost = 4_800m } } });
        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        var bidId = (await asked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var tooDeep = await app.Manager().PostAsJsonAsync($"/api/pricing/authorizations/{paId}/special-bids/{bidId}/counter",
            new { lines = new[] { new { lineNo = 1, netCost = 5_700m } } });
        Assert.Equal(HttpStatusCode.BadRequest, tooDeep.StatusCode); // above the 5,600 the PA already gives
        var countered = await app.Manager().PostAsJsonAsync($"/api/pricing/authorizations/{paId}/special-bids/{bidId}/counter",
            new { lines = new[] { new { lineNo = 1, netCost = 5_100m } }, reason = "Meet halfway." });
        Assert.Equal(HttpStatusCode.OK, countered.StatusCode);
        Assert.Equal(5_100m, NetCost(await countered.Content.ReadFromJsonAsync<JsonElement>(), 1, "SW-9300-48P"));
        Assert.True((await app.Events.WaitFor<PriceAuthorizationRevised>(e => e.SpecialBidId == bidId)).Countered);

        var next = await app.Distributor(distributor).PostAsJsonAsync($"/api/pricing/authorizations/{paId}/special-bids",
            new { justification = "Lower still.", lines = new[] { new { lineNo = 1, requestedNetCost = 4_500m } } });
        var nextId = (await next.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.BadRequest,
            (await app.Manager().PostAsJsonAsync($"/api/pricing/authorizations/{paId}/special-bids/{nextId}/reject", new { })).StatusCode);
        var rejected = await app.Manager().PostAsJsonAsync($"/api/pricing/authorizations/{paId}/special-bids/{nextId}/reject", new { reason = "No." });
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        var pa = await rejected.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((2, 5_100m), (pa.GetProperty("revision").GetInt32(), NetCost(pa, 1, "SW-9300-48P")));
        Assert.Equal("No.", (await app.Events.WaitFor<SpecialBidRejected>(e => e.SpecialBidId == nextId)).Reason);
    }

    [Fact]
    public async Task Bids_are_asked_only_by_who_sees_the_authorization_and_only_for_a_deeper_price()
    {
        var (partner, _, paId) = await Setup();
        var lines = new[] { new { lineNo = 1, requestedNetCost = 5_000m } };
        Assert.Equal(HttpStatusCode.NotFound, (await app.Partner(await app.Partner()).PostAsJsonAsync($"/api/pricing/authorizations/{paId}/special-bids",
            new { justification = "x", lines })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Distributor(Guid.NewGuid()).PostAsJsonAsync($"/api/pricing/authorizations/{paId}/special-bids",
            new { justification = "x", lines })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Manager().PostAsJsonAsync($"/api/pricing/authorizations/{paId}/special-bids",
            new { justification = "x", lines })).StatusCode);

        var shallow = await app.Partner(partner).PostAsJsonAsync($"/api/pricing/authorizations/{paId}/special-bids", new
        {
            justification = "x",
            lines = new object[] { new { lineNo = 1, requestedNetCost = 5_600m }, new { lineNo = 2, requestedDiscountPercent = 50m }, new { lineNo = 9, requestedNetCost = 1m } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, shallow.StatusCode);
        var errors = (await shallow.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("lines[0].requestedNetCost", out _)); // not deeper than the PA gives
        Assert.True(errors.TryGetProperty("lines[1].sku", out _));              // a family line needs its SKU
        Assert.True(errors.TryGetProperty("lines[2].lineNo", out _));
        Assert.Equal(0L, await app.Db.Scalar<long>("select count(*) from special_bids where authorization_id = @paId", new { paId }));
    }
}
