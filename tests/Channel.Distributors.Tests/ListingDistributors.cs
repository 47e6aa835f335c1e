using System.Net.Http.Json;
using System.Text.Json;
using Channel.Testing;

namespace Channel.Distributors.Tests;

/// <summary>The distributor list searched, filtered, sorted and paged on the server, in the caller's scope.</summary>
public sealed class ListingDistributors(DistributorsApp app) : IClassFixture<DistributorsApp>
{
    static List<Guid> Ids(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetGuid())];

    [Fact]
    public async Task Searches_filters_sorts_and_pages_with_a_total()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var alder = await app.Onboard($"alder {tag} Supply", "WA");
        var birch = await app.Onboard($"Birch {tag} Distribution", "TX");
        var cedar = await app.Onboard($"Cedar {tag} Logistics", "WA");
        var decoy = await app.Onboard($"Cedar Logistics {Guid.NewGuid():N}", "WA"); // without the tag: the search leaves it out
        var manager = app.Manager();
        (await manager.PostAsJsonAsync($"/api/distributors/{birch}/suspend", new { reason = "lapsed agreement" })).EnsureSuccessStatusCode();
        await app.AuthorizedReseller(cedar, "WA");
        await app.AuthorizedReseller(cedar, "WA");
        await app.AuthorizedReseller(alder, "WA");

        var byName = await manager.GetFromJsonAsync<JsonElement>($"/api/distributors?q={tag}");
        Assert.Equal([alder, birch, cedar], Ids(byName)); // by name, regardless of case
        Assert.Equal(3, byName.GetProperty("total").GetInt64());
        Assert.DoesNotContain(decoy, Ids(byName));
        Assert.Equal([cedar, birch, alder], Ids(await manager.GetFromJsonAsync<JsonElement>($"/api/distributors?q={tag}&sort=name&direction=desc")));
        Assert.Equal([cedar, alder, birch], Ids(await manager.GetFromJsonAsync<JsonElement>($"/api/distributors?q={tag}&sort=resellers&direction=desc")));
        Assert.Equal([birch], Ids(await manager.GetFromJsonAsync<JsonElement>($"/api/distributors?q={tag}&status=suspended")));
        Assert.Equal([alder, cedar], Ids(await manager.GetFromJsonAsync<JsonElement>($"/api/distributors?q={tag}&region=wa")));
        var second = await manager.GetFromJsonAsync<JsonElement>($"/api/distributors?q={tag}&sort=onboarded&direction=asc&pageSize=1&page=2");
        Assert.Equal([birch], Ids(second));
        Assert.Equal(3, second.GetProperty("total").GetInt64());
        // % and _ are text, not wildcards.
        Assert.Empty(Ids(await manager.GetFromJsonAsync<JsonElement>($"/api/distributors?q={tag}%25")));
    }

    [Theory]
    [InlineData("sort=revenue", "sort")]
    [InlineData("direction=sideways", "direction")]
    [InlineData("status=dormant", "status")]
    [InlineData("country=USA", "country")]
    [InlineData("pageSize=501", "pageSize")]
    public async Task Bad_filters_are_400_naming_the_parameter(string query, string field) =>
        await (await app.Manager().GetAsync($"/api/distributors?{query}")).AssertBadRequest(field);

    [Fact]
    public async Task A_distributors_resellers_are_searched_and_paged_the_active_first()
    {
        var distributor = await app.Onboard();
        var first = await app.AuthorizedReseller(distributor);
        var second = await app.AuthorizedReseller(distributor);
        var revoked = await app.AuthorizedReseller(distributor);
        (await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/authorizations/{revoked}/revoke", new { reason = "ended" })).EnsureSuccessStatusCode();
        var me = app.Distributor(distributor);
        static List<Guid> Partners(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("partnerId").GetGuid())];

        var active = await me.GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/resellers");
        Assert.Equal(2, active.GetProperty("total").GetInt64());
        Assert.Equal(new[] { first, second }.Order(), Partners(active).Order());
        var all = await me.GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/resellers?includeRevoked=true");
        Assert.Equal(3, all.GetProperty("total").GetInt64());
        Assert.Equal(revoked, Partners(all)[^1]); // the revoked one after the active ones
        // Searched by the reseller's name (its first characters are its id's: "Reseller 1a2b3c4d") or its id.
        Assert.Equal([second], Partners(await me.GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/resellers?q=reseller {second.ToString("N")[..8]}")));
        Assert.Equal([first], Partners(await me.GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/resellers?q={first}")));
        var paged = new List<Guid>();
        for (var page = 1; page <= 3; page++)
            paged.AddRange(Partners(await me.GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/resellers?includeRevoked=true&pageSize=1&page={page}")));
        Assert.Equal(Partners(all), paged);
        await (await me.GetAsync($"/api/distributors/{distributor}/resellers?pageSize=0")).AssertBadRequest("pageSize");
    }

    [Fact]
    public async Task A_partner_sees_only_the_distributors_serving_it_whatever_it_searches()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var serving = await app.Onboard($"Serving {tag} Supply");
        var other = await app.Onboard($"Other {tag} Supply");
        var partner = await app.AuthorizedReseller(serving);

        var seen = await app.Partner(partner).GetFromJsonAsync<JsonElement>($"/api/distributors?q={tag}");
        Assert.Equal([serving], Ids(seen));
        Assert.Equal(1, seen.GetProperty("total").GetInt64());
        Assert.Empty(Ids(await app.Distributor(serving).GetFromJsonAsync<JsonElement>($"/api/distributors?q=Other {tag}")));
        Assert.Contains(other, Ids(await app.Manager().GetFromJsonAsync<JsonElement>($"/api/distributors?q={tag}")));
    }
}
