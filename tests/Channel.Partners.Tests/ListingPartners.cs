using System.Net.Http.Json;
using System.Text.Json;

using Channel.Testing;

namespace Channel.Partners.Tests;

public sealed class ListingPartners(PartnersApp app) : IClassFixture<PartnersApp>
{
    static List<Guid> Ids(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid())];

    [Fact]
    public async Task Filters_by_status_tier_type_country_region_and_text()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var gold = await app.ActivePartner("gold");
        var silver = await app.ActivePartner("silver");
        var texan = await app.Apply(PartnersApp.Application(name: $"Lone Star {tag} Systems", country: "US", region: "TX", type: "msp"));
        var canadian = await app.Apply(PartnersApp.Application(name: $"Maple {tag} Networks", country: "CA", region: "ON", type: "si"));
        var manager = app.Manager();

        // Each filter shown to keep what it should and to leave out a decoy that differs only in what it filters on.
        var golds = Ids(await manager.GetFromJsonAsync<JsonElement>("/api/partners?status=active&tier=gold&pageSize=500"));
        Assert.Contains(gold, golds);
        Assert.DoesNotContain(silver, golds);
        var active = Ids(await manager.GetFromJsonAsync<JsonElement>("/api/partners?status=active&pageSize=500"));
        Assert.Contains(silver, active);
        Assert.DoesNotContain(texan, active);
        var applied = Ids(await manager.GetFromJsonAsync<JsonElement>("/api/partners?status=applied&pageSize=500"));
        Assert.Contains(texan, applied);
        Assert.DoesNotContain(gold, applied);
        Assert.Equal([texan], Ids(await manager.GetFromJsonAsync<JsonElement>($"/api/partners?q={tag}&region=TX")));
        Assert.Equal([canadian], Ids(await manager.GetFromJsonAsync<JsonElement>($"/api/partners?q={tag}&country=ca")));
        Assert.Equal([canadian], Ids(await manager.GetFromJsonAsync<JsonElement>($"/api/partners?q={tag}&type=si")));
        var both = await manager.GetFromJsonAsync<JsonElement>($"/api/partners?q={tag.ToUpperInvariant()}");
        Assert.Equal(2, both.GetProperty("total").GetInt64());
        Assert.Equal([canadian, texan], Ids(both)); // newest first
    }

    [Fact]
    public async Task Pages_through_results_with_a_total()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++) ids.Add(await app.Apply(PartnersApp.Application(name: $"Pager {tag} {i}")));

        var first = await app.Manager().GetFromJsonAsync<JsonElement>($"/api/partners?q=Pager {tag}&pageSize=2&page=1");
        var third = await app.Manager().GetFromJsonAsync<JsonElement>($"/api/partners?q=Pager {tag}&pageSize=2&page=3");

        Assert.Equal(5, first.GetProperty("total").GetInt64());
        Assert.Equal([ids[4], ids[3]], Ids(first));
        Assert.Equal([ids[0]], Ids(third));
    }

    [Fact]
    public async Task Text_search_treats_wildcards_as_text()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var percent = await app.Apply(PartnersApp.Application(name: $"100% Uptime {tag} Networks"));
        var plain = await app.Apply(PartnersApp.Application(name: $"Percent {tag} Networks"));
        var underscore = await app.Apply(PartnersApp.Application(name: $"Under_score {tag} Systems"));

        // '%' and '_' match themselves, not any text: an unescaped pattern would find all three.
        Assert.Equal([percent], Ids(await app.Manager().GetFromJsonAsync<JsonElement>($"/api/partners?q=%25 Uptime {tag}")));
        Assert.Equal([underscore], Ids(await app.Manager().GetFromJsonAsync<JsonElement>($"/api/partners?q=r_s")));
        Assert.Equal([underscore, plain, percent], Ids(await app.Manager().GetFromJsonAsync<JsonElement>($"/api/partners?q={tag}")));
    }

    [Fact]
    public async Task Text_search_finds_a_partner_by_its_web_domain()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var byDomain = await app.Apply(PartnersApp.Application(name: "Contoso Integration", domain: $"ctso-{tag}.example"));
        await app.Apply(PartnersApp.Application(name: $"Fabrikam {tag[..4]} Integration"));

        Assert.Equal([byDomain], Ids(await app.Manager().GetFromJsonAsync<JsonElement>($"/api/partners?q=ctso-{tag}")));
    }

    [Theory]
    [InlineData("status=pending", "status")]
    [InlineData("tier=diamond", "tier")]
    [InlineData("country=USA", "country")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("page=-1", "page")]
    public async Task Bad_filters_are_400_naming_the_parameter(string query, string field)
    {
        var response = await app.Manager().GetAsync($"/api/partners?{query}");

        await response.AssertBadRequest(field);
    }
}
