using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Testing;
using MiniExcelLibs;

namespace Channel.Partners.Tests;

/// <summary>The partner list sorted by any column and exported whole as CSV or Excel, in the caller's scope.</summary>
public sealed class ExportingPartners(PartnersApp app) : IClassFixture<PartnersApp>
{
    static List<Guid> Ids(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid())];

    [Fact]
    public async Task Several_statuses_are_taken_at_once()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var applied = await app.Apply(PartnersApp.Application(name: $"Applied {tag}"));
        var active = await app.Apply(PartnersApp.Application(name: $"Active {tag}"));
        (await app.Manager().PostAsJsonAsync($"/api/partners/{active}/approve", new { tier = "gold" })).EnsureSuccessStatusCode();
        var rejected = await app.Apply(PartnersApp.Application(name: $"Rejected {tag}"));
        (await app.Manager().PostAsJsonAsync($"/api/partners/{rejected}/reject", new { reason = "no references" })).EnsureSuccessStatusCode();

        var both = await app.Manager().GetFromJsonAsync<JsonElement>($"/api/partners?q={tag}&status=applied&status=active&sort=name&direction=asc");
        Assert.Equal([active, applied], Ids(both));
        Assert.Equal(2, both.GetProperty("total").GetInt64());
        await (await app.Manager().GetAsync($"/api/partners?status=applied&status=pending")).AssertBadRequest("status");
    }

    [Fact]
    public async Task Sorts_by_any_column_either_way_and_pages_never_overlap()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var charlie = await app.Apply(PartnersApp.Application(name: $"Charlie {tag}", region: "WA"));
        var alpha = await app.Apply(PartnersApp.Application(name: $"alpha {tag}", region: "TX"));
        var bravo = await app.Apply(PartnersApp.Application(name: $"Bravo {tag}", region: "AZ"));
        var manager = app.Manager();
        (await manager.PostAsJsonAsync($"/api/partners/{charlie}/approve", new { tier = "platinum" })).EnsureSuccessStatusCode();
        (await manager.PostAsJsonAsync($"/api/partners/{alpha}/approve", new { tier = "registered" })).EnsureSuccessStatusCode();
        (await manager.PostAsJsonAsync($"/api/partners/{bravo}/approve", new { tier = "gold" })).EnsureSuccessStatusCode();

        // By name without regard to case, either way; by region; by tier in its order (not the alphabet's: gold < platinum < registered).
        Assert.Equal([alpha, bravo, charlie], Ids(await manager.GetFromJsonAsync<JsonElement>($"/api/partners?q={tag}&sort=name&direction=asc")));
        Assert.Equal([charlie, bravo, alpha], Ids(await manager.GetFromJsonAsync<JsonElement>($"/api/partners?q={tag}&sort=name")));
        Assert.Equal([bravo, alpha, charlie], Ids(await manager.GetFromJsonAsync<JsonElement>($"/api/partners?q={tag}&sort=region&direction=asc")));
        Assert.Equal([alpha, bravo, charlie], Ids(await manager.GetFromJsonAsync<JsonElement>($"/api/partners?q={tag}&sort=tier&direction=asc")));
        // The oldest application first, one a page: every partner once.
        var paged = new List<Guid>();
        for (var page = 1; page <= 3; page++)
            paged.AddRange(Ids(await manager.GetFromJsonAsync<JsonElement>($"/api/partners?q={tag}&sort=applied&direction=asc&pageSize=1&page={page}")));
        Assert.Equal([charlie, alpha, bravo], paged);
        await (await manager.GetAsync("/api/partners?sort=tax_id")).AssertBadRequest("sort");
        await (await manager.GetAsync("/api/partners?direction=up")).AssertBadRequest("direction");
    }

    [Fact]
    public async Task Staff_export_the_filtered_list_as_csv_and_xlsx_in_its_order_with_formulas_kept_as_text()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var plain = await app.Apply(PartnersApp.Application(name: $"Aspen {tag} Networks", region: "WA"));
        var formula = await app.Apply(PartnersApp.Application(name: $"=HYPERLINK(\"http://evil.example\",\"{tag}\")", region: "WA"));
        var elsewhere = await app.Apply(PartnersApp.Application(name: $"Baobab {tag} Systems", region: "TX"));

        var csv = await app.Manager().GetAsync($"/api/partners/export?q={tag}&region=WA&sort=name&direction=asc");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Id,LegalName,WebsiteDomain,Country,Region,PartnerType,Tier,Status,HoldReason,ContactName,ContactEmail,", lines[0]);
        Assert.Equal(3, lines.Length); // the header and the two in WA, not the one in TX
        Assert.Contains(lines, l => l.StartsWith($"{formula},\"'=HYPERLINK(", StringComparison.Ordinal)); // written as text
        Assert.Contains(lines, l => l.StartsWith($"{plain},Aspen {tag} Networks,", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(elsewhere.ToString()));

        var xlsx = await app.Manager().GetAsync($"/api/partners/export?format=xlsx&q={tag}&region=TX");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType!.MediaType);
        using var book = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        var row = Assert.Single(book.Query(useHeaderRow: true).Cast<IDictionary<string, object>>());
        Assert.Equal((elsewhere.ToString(), $"Baobab {tag} Systems", "applied", "Jamie Rivera"),
            (row["Id"].ToString(), (string)row["LegalName"], (string)row["Status"], (string)row["ContactName"]));
    }

    [Fact]
    public async Task A_distributor_exports_only_the_partners_it_serves_without_their_contacts()
    {
        var served = await app.ActivePartner();
        var other = await app.ActivePartner();
        var distributor = Guid.NewGuid();
        await app.Authorize(distributor, served, active: true);

        var lines = (await app.DistributorUser(distributor).GetStringAsync("/api/partners/export"))
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Id,LegalName,WebsiteDomain,Country,Region,PartnerType,Tier,Status", lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith(served.ToString(), lines[1]);
        Assert.DoesNotContain(lines, l => l.Contains(other.ToString()) || l.Contains("jamie@"));
    }

    [Fact]
    public async Task An_unknown_format_or_filter_is_400_naming_it()
    {
        await (await app.Manager().GetAsync("/api/partners/export?format=pdf&tier=diamond")).AssertBadRequest("format", "tier");
    }
}
