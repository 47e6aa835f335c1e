using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Channel.Pricing.Tests;

/// <summary>Price lists in and prices out, as of a date.</summary>
public sealed class KeepingThePriceBook(PricingApp app) : IClassFixture<PricingApp>
{
    [Fact]
    public async Task A_price_is_the_latest_on_or_before_the_date_asked()
    {
        var sku = $"RT-{Random.Shared.Next(100000, 999999)}";
        var json = $$"""
            { "prices": [
              { "sku": "{{sku}}", "productFamily": "routing", "listPrice": 2000, "distributorCost": 1300, "currency": "USD", "effectiveFrom": "2026-01-01" },
              { "sku": "{{sku}}", "productFamily": "routing", "listPrice": 2200, "distributorCost": 1400, "currency": "USD", "effectiveFrom": "2026-07-01" }
            ] }
            """;
        var upload = await app.Manager().PostAsync("/api/pricing/price-lists?name=routing", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var list = await upload.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((2, 1, "routing"), (list.GetProperty("rows").GetInt32(), list.GetProperty("skus").GetInt32(), list.GetProperty("name").GetString()));

        var manager = app.Manager();
        Assert.Equal(2000m, (await manager.GetFromJsonAsync<JsonElement>($"/api/pricing/prices/{sku}?at=2026-06-30")).GetProperty("listPrice").GetDecimal());
        Assert.Equal(2200m, (await manager.GetFromJsonAsync<JsonElement>($"/api/pricing/prices/{sku}?at=2026-07-01")).GetProperty("listPrice").GetDecimal());
        Assert.Equal(1400m, (await manager.GetFromJsonAsync<JsonElement>($"/api/pricing/prices/{sku.ToLowerInvariant()}")).GetProperty("distributorCost").GetDecimal());
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/api/pricing/prices/{sku}?at=2025-12-31")).StatusCode);
        var family = await manager.GetFromJsonAsync<JsonElement>("/api/pricing/prices?family=routing&at=2026-06-30");
        Assert.Equal([(sku, 2000m)], family.GetProperty("items").EnumerateArray().Select(p => (p.GetProperty("sku").GetString(), p.GetProperty("listPrice").GetDecimal())));
        // Without the filter the fixture's switches, access points and firewalls are there too (so the filter above kept them out).
        var all = await manager.GetFromJsonAsync<JsonElement>("/api/pricing/prices?at=2026-06-30");
        Assert.Contains(all.GetProperty("items").EnumerateArray(), p => p.GetProperty("sku").GetString() == "SW-9300-48P");

        // The same list again answers the same; nothing is added.
        var again = await app.Manager().PostAsync("/api/pricing/price-lists?name=routing", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(list.GetProperty("id").GetGuid(), (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_list_with_a_bad_row_is_refused_whole_naming_each_field()
    {
        var sku = $"RT-{Random.Shared.Next(100000, 999999)}";
        var csv = $"""
            sku,product_family,list_price,distributor_cost,currency,effective_from
            {sku},routing,100,60,USD,2026-01-01
            BAD SKU!,routing,abc,60,XXX,2026-02-30
            {sku}-2,routing,100,160,USD,2026-01-01
            {sku},routing,100,60,USD,2026-01-01
            """;
        var response = await app.Manager().PostAsync("/api/pricing/price-lists", PricingApp.Csv(csv));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "prices[1].sku", "prices[1].list_price", "prices[1].currency", "prices[1].effective_from", "prices[2].distributor_cost", "prices[3].sku" })
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        Assert.False(errors.TryGetProperty("prices[0].sku", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Manager().GetAsync($"/api/pricing/prices/{sku}")).StatusCode);

        var wrongType = await app.Manager().PostAsync("/api/pricing/price-lists", new StringContent("<prices/>", Encoding.UTF8, "application/xml"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        var notJson = await app.Manager().PostAsync("/api/pricing/price-lists", new StringContent("{\"prices\": [1, 2", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }
}
