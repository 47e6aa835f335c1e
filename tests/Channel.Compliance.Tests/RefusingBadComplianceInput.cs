using System.Net.Http.Json;
using System.Text.Json;

namespace Channel.Compliance.Tests;

/// <summary>Bad input gets a 400 naming the bad fields and writes nothing.</summary>
public sealed class RefusingBadComplianceInput(ComplianceApp app) : IClassFixture<ComplianceApp>
{
    async Task<string[]> Fields(HttpResponseMessage response)
    {
        Assert.Equal(400, (int)response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. problem.GetProperty("errors").EnumerateObject().Select(e => e.Name)];
    }

    [Fact]
    public async Task A_rule_with_bad_fields_is_refused_naming_each_and_no_version_is_made()
    {
        var before = await app.Db.Scalar<long>("select count(*) from changes");
        var fields = await Fields(await app.Officer().PostAsJsonAsync("/api/compliance/rules", new
        {
            country = "USA",
            customerType = "alien",
            fundingSource = "lottery",
            productPattern = "sw 4800; drop",
            action = "forbid",
            citation = "",
            description = "x",
            effectiveFrom = "2026-02-01",
            effectiveTo = "2026-01-01",
        }));

        Assert.Equal(["action", "citation", "country", "customerType", "effectiveTo", "fundingSource", "productPattern"], fields.Order());
        Assert.Equal(before, await app.Db.Scalar<long>("select count(*) from changes"));
    }

    [Fact]
    public async Task A_list_file_with_a_row_missing_its_name_is_refused_whole()
    {
        var before = await app.Db.Scalar<long>("select count(*) from list_entries");
        var fields = await Fields(await app.Officer().PostAsync("/api/compliance/lists/imports",
            ComplianceApp.Csv("_id,source,name,start_date\nok-1,Test List,Fine Name,2026-01-01\nbad-1,Test List,,\nbad-2,Test List,Dated,01/02/2026")));

        Assert.Equal(["entries[1].name", "entries[2].start_date"], fields.Order());
        Assert.Equal(before, await app.Db.Scalar<long>("select count(*) from list_entries"));
    }

    [Theory]
    [InlineData("/api/compliance/decisions?subject=deal", "subject")]
    [InlineData("/api/compliance/decisions?subject=planet:earth", "subject")]
    [InlineData("/api/compliance/decisions", "subject")]
    [InlineData("/api/compliance/queue?kind=planet", "kind")]
    [InlineData("/api/compliance/changes?kind=other&page=0", "kind,page")]
    public async Task A_bad_query_names_its_parameter(string path, string expected)
    {
        Assert.Equal(expected.Split(','), (await Fields(await app.Officer().GetAsync(path))).Order());
    }

    [Fact]
    public async Task An_unknown_rule_or_entry_is_404()
    {
        var rule = await app.Officer().PostAsJsonAsync($"/api/compliance/rules/{Guid.NewGuid()}/retire", new { reason = "gone" });
        var entry = await app.Officer().PostAsJsonAsync("/api/compliance/lists/entries/no-such-entry/remove", new { reason = "gone" });

        Assert.Equal((404, 404), ((int)rule.StatusCode, (int)entry.StatusCode));
    }
}
