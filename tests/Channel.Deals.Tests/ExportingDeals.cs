using System.Net;
using System.Net.Http.Json;
using MiniExcelLibs;

namespace Channel.Deals.Tests;

/// <summary>The deal list as a file: every row the filters and scope give, as CSV or Excel, text kept as text.</summary>
public sealed class ExportingDeals(DealsApp app) : IClassFixture<DealsApp>
{
    [Fact]
    public async Task A_partner_exports_all_its_deals_as_csv_and_xlsx_and_nobody_elses()
    {
        var mine = await app.ActivePartner();
        var theirs = await app.ActivePartner();
        var tag = Guid.NewGuid().ToString("N")[..6];
        var ids = new List<Guid>();
        foreach (var name in new[] { $"Alder {tag} Clinics", $"=HYPERLINK(\"http://evil.example\",\"{tag}\")", $"Birch {tag} Schools" })
            ids.Add((await app.Register(app.Partner(mine), app.Registration(name))).GetProperty("id").GetGuid());
        await app.RegisterFor(theirs, $"Cedar {tag} Port");
        await app.Cleared(ids[0]);
        (await app.Manager().PostAsync($"/api/deals/{ids[0]}/approve", null)).EnsureSuccessStatusCode();

        var csv = await app.Partner(mine).GetAsync("/api/deals/export?format=csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Id,CustomerName,CustomerDomain,", lines[0]);
        Assert.Equal(4, lines.Length); // the header and its three deals, not the other partner's
        Assert.DoesNotContain(lines, l => l.Contains("Cedar"));
        // A name that would run as a formula in a spreadsheet is written as text.
        Assert.Contains(lines, l => l.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\""));

        var xlsx = await app.Partner(mine).GetAsync($"/api/deals/export?format=xlsx&status=approved");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType!.MediaType);
        using var book = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        var rows = book.Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        var row = Assert.Single(rows);
        Assert.Equal(($"Alder {tag} Clinics", "approved", ids[0].ToString()),
            ((string)row["CustomerName"], (string)row["Status"], row["Id"].ToString()));
        Assert.Equal(50_000m, Convert.ToDecimal(row["TotalValue"], System.Globalization.CultureInfo.InvariantCulture));

        // Staff export every partner's, filtered like the list.
        var staff = await app.Manager().GetStringAsync($"/api/deals/export?customer={tag}");
        Assert.Equal(5, staff.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task An_unknown_format_or_filter_is_400_naming_it()
    {
        var bad = await app.Manager().GetAsync("/api/deals/export?format=pdf&status=pending");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("format", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("status", out _));
    }
}

/// <summary>The deal list sorted on the server by any of its columns, either way, the export in the same order.</summary>
public sealed class SortingDeals(DealsApp app) : IClassFixture<DealsApp>
{
    [Fact]
    public async Task The_list_and_its_export_sort_by_value_customer_or_close_either_way()
    {
        var partner = await app.ActivePartner();
        var tag = Guid.NewGuid().ToString("N")[..6];
        var middle = await app.RegisterFor(partner, $"Beta {tag}", ("switching", 20_000m));
        var small = await app.RegisterFor(partner, $"Gamma {tag}", ("switching", 5_000m));
        var large = await app.RegisterFor(partner, $"Alpha {tag}", ("switching", 90_000m));
        var client = app.Partner(partner);
        async Task<List<Guid>> Ids(string query) =>
            [.. (await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/deals?customer={tag}&{query}")).GetProperty("items").EnumerateArray()
                .Select(d => d.GetProperty("id").GetGuid())];

        Assert.Equal([large, small, middle], await Ids(""));                          // newest first by default
        Assert.Equal([small, middle, large], await Ids("sort=value&direction=asc"));
        Assert.Equal([large, middle, small], await Ids("sort=value"));
        Assert.Equal([large, middle, small], await Ids("sort=customer&direction=asc"));
        Assert.Equal([small], await Ids("sort=value&direction=asc&pageSize=1"));
        Assert.Equal([middle], await Ids("sort=value&direction=asc&pageSize=1&page=2"));
        var export = (await client.GetStringAsync($"/api/deals/export?customer={tag}&sort=customer&direction=desc")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([small, middle, large], export.Skip(1).Select(l => Guid.Parse(l[..36])));

        var bad = await client.GetAsync("/api/deals?sort=partner_id;drop&direction=sideways");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("sort", out _) && errors.TryGetProperty("direction", out _));
    }
}
