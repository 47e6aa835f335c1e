using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Testing;

namespace Channel.Deals.Tests;

public sealed class EnforcingDealScope(DealsApp app) : IClassFixture<DealsApp>
{
    static List<Guid> Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetGuid())];

    [Fact]
    public async Task A_partner_sees_only_its_own_deals_and_not_whose_deals_conflict_with_them()
    {
        var mine = await app.ActivePartner();
        var theirs = await app.ActivePartner();
        var myDeal = await app.RegisterFor(mine, "Shared Prospect Corp");
        var theirDeal = await app.RegisterFor(theirs, "Shared Prospect Corp");
        var me = app.Partner(mine);

        await (await me.GetAsync($"/api/deals/{theirDeal}")).AssertProblem(HttpStatusCode.NotFound);
        var own = await me.GetFromJsonAsync<JsonElement>($"/api/deals/{myDeal}");
        Assert.Equal(1, own.GetProperty("conflictCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, own.GetProperty("conflicts").ValueKind);
        Assert.Equal([myDeal], Ids(await me.GetFromJsonAsync<JsonElement>("/api/deals?pageSize=500")));
        Assert.Empty(Ids(await me.GetFromJsonAsync<JsonElement>($"/api/deals?partnerId={theirs}")));
    }

    [Theory]
    [InlineData("POST", "won", """{"actualAmount":1}""")]
    [InlineData("POST", "lost", """{"reason":"x"}""")]
    [InlineData("POST", "extension-request", """{"reason":"x"}""")]
    [InlineData("POST", "resubmit", "")]
    [InlineData("PUT", "", "registration")]
    public async Task A_partner_cannot_act_on_another_partners_deal(string method, string action, string body)
    {
        var theirs = await app.ActivePartner();
        var deal = await app.ApprovedDealFor(theirs);
        HttpContent content = body == "registration" ? JsonContent.Create(app.Registration("Hijack")) : new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var path = action == "" ? $"/api/deals/{deal}" : $"/api/deals/{deal}/{action}";

        var response = await app.Partner(await app.ActivePartner()).SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = body == "" ? null : content });

        await response.AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal("approved", await app.StatusOf(deal));
    }

    [Theory]
    [InlineData("approve")]
    [InlineData("reject")]
    [InlineData("return")]
    [InlineData("extension")]
    public async Task Partners_distributors_and_leadership_cannot_take_manager_decisions(string action)
    {
        var partner = await app.ActivePartner();
        var deal = await app.RegisterFor(partner);
        foreach (var client in new[] { app.Partner(partner), app.Distributor(Guid.NewGuid()), app.Leader() })
        {
            var response = await client.PostAsJsonAsync($"/api/deals/{deal}/{action}", new { reason = "x" });
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        Assert.Equal("submitted", await app.StatusOf(deal));
    }

    [Fact]
    public async Task The_queue_is_for_vendor_staff()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Partner(Guid.NewGuid()).GetAsync("/api/deals/queue")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Distributor(Guid.NewGuid()).GetAsync("/api/deals/queue")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Leader().GetAsync("/api/deals/queue")).StatusCode);
    }

    [Fact]
    public async Task A_distributor_sees_the_deals_it_registered_and_those_of_resellers_it_serves()
    {
        var served = await app.ActivePartner();
        var notServed = await app.ActivePartner();
        var distributor = Guid.NewGuid();
        await app.Authorize(distributor, served, "CA");
        var registered = (await app.Register(app.Distributor(distributor), app.Registration("Via Distributor LLC", partnerId: served)))
            .GetProperty("id").GetGuid();
        var resellersOwn = await app.RegisterFor(served, "Direct From Reseller");
        var foreign = await app.RegisterFor(notServed, "Someone Else's Customer");
        var client = app.Distributor(distributor);

        var visible = Ids(await client.GetFromJsonAsync<JsonElement>("/api/deals?pageSize=500"));
        Assert.Equal([resellersOwn, registered], visible);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/deals/{resellersOwn}")).StatusCode);
        await (await client.GetAsync($"/api/deals/{foreign}")).AssertProblem(HttpStatusCode.NotFound);
        // Seeing is not acting: the reseller's own registration is the reseller's to close.
        await app.Cleared(resellersOwn);
        (await app.Manager().PostAsync($"/api/deals/{resellersOwn}/approve", null)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"/api/deals/{resellersOwn}/lost", new { reason = "x" })).StatusCode);
    }

    [Fact]
    public async Task Leadership_reads_every_deal_but_does_not_register()
    {
        var deal = await app.RegisterFor(await app.ActivePartner());

        Assert.Equal(HttpStatusCode.OK, (await app.Leader().GetAsync($"/api/deals/{deal}")).StatusCode);
        Assert.Contains(deal, Ids(await app.Leader().GetFromJsonAsync<JsonElement>("/api/deals?pageSize=500")));
        await (await app.Leader().PostAsJsonAsync("/api/deals", app.Registration("x"))).AssertProblem(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("GET", "/queue")]
    [InlineData("GET", "/{id}")]
    [InlineData("POST", "")]
    [InlineData("PUT", "/{id}")]
    [InlineData("POST", "/{id}/approve")]
    [InlineData("POST", "/{id}/reject")]
    [InlineData("POST", "/{id}/return")]
    [InlineData("POST", "/{id}/resubmit")]
    [InlineData("POST", "/{id}/extension-request")]
    [InlineData("POST", "/{id}/extension")]
    [InlineData("POST", "/{id}/won")]
    [InlineData("POST", "/{id}/lost")]
    public async Task Without_a_token_every_endpoint_is_401(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), "/api/deals" + path.Replace("{id}", Guid.NewGuid().ToString()));
        if (method != "GET") request.Content = JsonContent.Create(new { reason = "x" });

        var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
