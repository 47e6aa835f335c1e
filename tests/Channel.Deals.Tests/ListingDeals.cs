using System.Net.Http.Json;
using System.Text.Json;
using Channel.Testing;
using Dapper;

namespace Channel.Deals.Tests;

/// <summary>
/// Every filter of GET /api/deals shown to keep what it should and to leave out a decoy that differs only in what it
/// filters on (all of one test's deals carry its tag, so other tests' deals never count), and paging with a total.
/// </summary>
public sealed class ListingDeals(DealsApp app) : IClassFixture<DealsApp>
{
    static List<Guid> Ids(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetGuid())];

    async Task<List<Guid>> List(string query) =>
        Ids(await app.Manager().GetFromJsonAsync<JsonElement>($"/api/deals?pageSize=500&sort=customer&direction=asc&{query}"));

    async Task Set(Guid deal, string column, object value)
    {
        await using var conn = await app.Db.Open();
        await conn.ExecuteAsync($"update deals set {column} = @value where id = @deal", new { value, deal });
    }

    [Fact]
    public async Task Each_filter_keeps_its_deals_and_leaves_out_a_decoy()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var gold = await app.PartnerWithStatus("active", tier: "gold");
        var silver = await app.PartnerWithStatus("active", tier: "silver");
        var distributor = Guid.NewGuid();
        await app.Authorize(distributor, silver, "CA", "OR");

        var a = await app.RegisterFor(gold, $"A {tag} Clinics");                                      // gold, CA, submitted, partner-registered
        var b = (await app.Register(app.Distributor(distributor), app.Registration($"B {tag} Schools", domain: $"b-{tag}.example",
            region: "OR", partnerId: silver))).GetProperty("id").GetGuid();                          // silver, OR, by the distributor
        var c = await app.ApprovedDealFor(gold, $"C {tag} Port");                                     // approved
        var d = await app.ApprovedDealFor(silver, $"D {tag} Mills");
        (await app.Partner(silver).PostAsJsonAsync($"/api/deals/{d}/lost", new { reason = "Lost on price." })).EnsureSuccessStatusCode(); // closed

        // Dates the frozen clock cannot give: submitted and expected to close at different times.
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        await Set(a, "submitted_at", app.Clock.GetUtcNow().AddDays(-45));
        await Set(a, "expected_close", today.AddDays(10));
        await Set(c, "protection_ends_at", app.Clock.GetUtcNow().AddDays(5));

        Assert.Equal([a, b, c, d], await List($"customer={tag}"));
        Assert.Equal([c], await List($"customer={tag}&status=approved"));
        Assert.Equal([a, c], await List($"customer={tag}&partnerId={gold}"));
        Assert.Equal([b], await List($"customer={tag}&distributorId={distributor}"));
        Assert.Equal([b], await List($"customer={tag}&region=OR"));
        Assert.Equal([b], await List($"customer=b-{tag}.example")); // by domain
        Assert.Equal([a], await List($"customer={tag}&closeTo={today.AddDays(20):yyyy-MM-dd}"));
        Assert.Equal([b, c, d], await List($"customer={tag}&closeFrom={today.AddDays(20):yyyy-MM-dd}"));
        Assert.Equal([c], await List($"customer={tag}&expiringWithinDays=7"));
        Assert.Equal([a, b, c], await List($"customer={tag}&open=true")); // not the lost one
        Assert.Equal([a], await List($"customer={tag}&submittedTo={today.AddDays(-30):yyyy-MM-dd}"));
        Assert.Equal([b, c, d], await List($"customer={tag}&submittedFrom={today.AddDays(-30):yyyy-MM-dd}&submittedTo={today:yyyy-MM-dd}"));
        Assert.Equal([b, d], await List($"customer={tag}&partnerTier=silver"));
    }

    [Fact]
    public async Task Pages_carry_the_total_and_never_overlap()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var partner = await app.ActivePartner();
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++) ids.Add(await app.RegisterFor(partner, $"{(char)('A' + i)} {tag}"));

        var seen = new List<Guid>();
        for (var page = 1; page <= 3; page++)
        {
            var answer = await app.Manager().GetFromJsonAsync<JsonElement>($"/api/deals?customer={tag}&sort=customer&direction=asc&pageSize=2&page={page}");
            Assert.Equal(5, answer.GetProperty("total").GetInt64());
            seen.AddRange(Ids(answer));
        }
        Assert.Equal(ids, seen);
    }

    [Theory]
    [InlineData("status=pending", "status")]
    [InlineData("partnerTier=bronze", "partnerTier")]
    [InlineData("expiringWithinDays=-1", "expiringWithinDays")]
    [InlineData("closeFrom=2026-12-01&closeTo=2026-11-01", "closeTo")]
    [InlineData("submittedFrom=2026-12-01&submittedTo=2026-11-01", "submittedTo")]
    [InlineData("pageSize=501", "pageSize")]
    [InlineData("sort=partner", "sort")]
    public async Task Bad_filters_are_400_naming_the_parameter(string query, string field) =>
        await (await app.Manager().GetAsync($"/api/deals?{query}")).AssertBadRequest(field);
}
