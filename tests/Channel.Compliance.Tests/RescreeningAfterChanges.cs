using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Compliance;
using Channel.Contracts.Deals;

namespace Channel.Compliance.Tests;

/// <summary>
/// A list import or a rule change screens every open deal again; what it changed is announced and shown in the
/// change's impact report, before and after. Closed deals are left alone.
/// </summary>
public sealed class RescreeningAfterChanges(ComplianceApp app) : IClassFixture<ComplianceApp>
{
    const string Header = "_id,source,name,alt_names,ids";

    static string List(params string[] rows) => string.Join('\n', [Header, .. rows]);

    [Fact]
    public async Task A_list_import_that_adds_an_alternate_name_holds_the_open_deal_it_matches_and_says_so_in_its_impact_report()
    {
        var customer = new ComplianceApp.Customer("Bluewater Maritime Supply");
        var (open, first) = await app.Register(customer);
        var closedCustomer = new ComplianceApp.Customer("Bluewater Maritime Supply Co");
        var (closed, _) = await app.Register(closedCustomer);
        await app.Moves(closed, 2, closedCustomer, DealStatus.Won, ScreeningOutcome.Clear);
        Assert.Equal(ScreeningOutcome.Clear, first.Outcome);

        var response = await app.Officer().PostAsync("/api/compliance/lists/imports?name=bis-2026-11",
            ComplianceApp.Csv(List("bis-9001,Unverified List (UVL) - Bureau of Industry and Security,Harbor Star Shipping LLC,Bluewater Maritime Supply,")));
        var imported = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal((1, 0), (imported.GetProperty("added").GetInt32(), imported.GetProperty("removed").GetInt32()));
        var change = imported.GetProperty("changeId").GetGuid();

        var held = await app.Events.WaitFor<ScreeningDecided>(d => d.SubjectId == open.ToString() && d.ChangeId == change);
        Assert.Equal((ScreeningOutcome.Review, ScreeningOutcome.Clear), (held.Outcome, held.PreviousOutcome));
        await app.Rescreened();
        var impact = await app.Get($"/api/compliance/changes/{change}/impact");
        Assert.True(impact.GetProperty("finished").GetBoolean());
        var touched = Assert.Single(impact.GetProperty("touched").EnumerateArray());
        Assert.Equal((open.ToString(), "clear", "review"),
            (touched.GetProperty("subjectId").GetString(), touched.GetProperty("before").GetString(), touched.GetProperty("after").GetString()));
        Assert.Equal(1, await app.Db.Scalar<long>("select count(*) from decisions where subject_id = @id", new { id = closed.ToString() }));
    }

    [Fact]
    public async Task A_new_rule_moves_an_open_deal_to_review_and_the_impact_report_shows_it()
    {
        var customer = new ComplianceApp.Customer("Port of Tacoma", CustomerTypes.CriticalInfrastructure, Region: "WA", Families: ["routing"]);
        var (deal, first) = await app.Register(customer);
        var other = new ComplianceApp.Customer("Tacoma Bakery", Region: "WA", Families: ["routing"]);
        var (untouched, _) = await app.Register(other);
        Assert.Equal(ScreeningOutcome.Clear, first.Outcome);

        var added = await app.Send(HttpMethod.Post, "/api/compliance/rules", new
        {
            country = "US",
            customerType = "critical-infrastructure",
            fundingSource = "*",
            productPattern = "routing",
            action = "review",
            citation = "Demo: CISA advisory on core routing",
            description = "Core routing for critical infrastructure is reviewed.",
            effectiveFrom = "2026-11-01",
        }, 201);
        var change = added.GetProperty("changeId").GetGuid();

        var moved = await app.Events.WaitFor<ScreeningDecided>(d => d.SubjectId == deal.ToString() && d.ChangeId == change);
        Assert.Equal(ScreeningOutcome.Review, moved.Outcome);
        Assert.Equal("Demo: CISA advisory on core routing", moved.Citation);
        await app.Rescreened();
        var impact = await app.Get($"/api/compliance/changes/{change}/impact");
        var touched = Assert.Single(impact.GetProperty("touched").EnumerateArray());
        Assert.Equal(deal.ToString(), touched.GetProperty("subjectId").GetString());
        Assert.True(impact.GetProperty("rescreened").GetInt32() >= 2);
        Assert.Equal(1, await app.Db.Scalar<long>("select count(*) from decisions where subject_id = @id", new { id = untouched.ToString() }));
    }

    [Fact]
    public async Task The_same_list_imported_again_changes_nothing_and_a_changed_entry_is_counted_as_changed()
    {
        var file = List("dup-1,Denied Persons List (DPL) - Bureau of Industry and Security,Quartz Harbor Exports,,");
        var first = await app.Officer().PostAsync("/api/compliance/lists/imports", ComplianceApp.Csv(file));
        var again = await app.Officer().PostAsync("/api/compliance/lists/imports", ComplianceApp.Csv(file));
        var changed = await app.Officer().PostAsync("/api/compliance/lists/imports",
            ComplianceApp.Csv(List("dup-1,Denied Persons List (DPL) - Bureau of Industry and Security,Quartz Harbor Exports,Quartz Harbour,")));

        Assert.Equal((201, 200, 201), ((int)first.StatusCode, (int)again.StatusCode, (int)changed.StatusCode));
        var body = await changed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((0, 1, 0), (body.GetProperty("added").GetInt32(), body.GetProperty("changed").GetInt32(), body.GetProperty("removed").GetInt32()));
        // The demo list's entries, from other source lists, are still there.
        var demo = await app.Get("/api/compliance/lists/entries?q=Oceanic");
        Assert.Equal(1, demo.GetProperty("total").GetInt64());
        var entry = Assert.Single((await app.Get("/api/compliance/lists/entries?q=Quartz")).GetProperty("items").EnumerateArray());
        Assert.Equal(["Quartz Harbour"], entry.GetProperty("altNames").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task A_change_that_touches_many_deals_shows_them_a_page_at_a_time_with_the_total()
    {
        string[] names = ["Tidewater Freight Lines", "Tidewater Freight Lines West", "Tidewater Freight Lines East"];
        var deals = new List<Guid>();
        foreach (var name in names) deals.Add((await app.Register(new ComplianceApp.Customer(name, Region: "VA"))).Deal);

        var added = await app.Send(HttpMethod.Post, "/api/compliance/lists/entries", new { name = "Tidewater Freight Lines", sourceList = "Vendor denied parties" }, 201);
        var change = added.GetProperty("changeId").GetGuid();
        await app.Rescreened();
        var second = await app.Get($"/api/compliance/changes/{change}/impact?pageSize=2&page=2");
        var first = await app.Get($"/api/compliance/changes/{change}/impact?pageSize=2");

        Assert.Equal((3L, 3L), (second.GetProperty("total").GetInt64(), first.GetProperty("total").GetInt64()));
        var shown = first.GetProperty("touched").EnumerateArray().Concat(second.GetProperty("touched").EnumerateArray())
            .Select(t => Guid.Parse(t.GetProperty("subjectId").GetString()!)).ToList();
        Assert.Equal(deals.Order(), shown.Order());
        Assert.Equal(400, (int)(await app.Officer().GetAsync($"/api/compliance/changes/{change}/impact?pageSize=0")).StatusCode);
    }
}
