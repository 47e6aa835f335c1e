using System.Net.Http.Json;
using Channel.Contracts.Compliance;

namespace Channel.Compliance.Tests;

/// <summary>An officer clears or confirms what screening holds, with a reason; a clearance holds for that evidence only.</summary>
public sealed class WorkingTheComplianceQueue(ComplianceApp app) : IClassFixture<ComplianceApp>
{
    [Fact]
    public async Task A_cleared_match_stays_cleared_on_rescreening_until_new_evidence_holds_it_again()
    {
        var (deal, held) = await app.Register(new ComplianceApp.Customer("Kumgang Networks Bakery"));
        Assert.Equal(ScreeningOutcome.Review, held.Outcome);

        await app.Send(HttpMethod.Post, $"/api/compliance/queue/deal/{deal}/clear", new { reason = "A bakery in Ohio; no relation to the listed party." }, 200);
        var cleared = await app.Events.WaitFor<ScreeningDecided>(d => d.SubjectId == deal.ToString() && d.Sequence == 2);
        Assert.Equal((ScreeningOutcome.Clear, "test-compliance-officer"), (cleared.Outcome, cleared.Actor));
        Assert.Equal(1, await app.Db.Scalar<long>("select count(*) from audit where subject_id = @id and action = 'cleared'", new { id = deal.ToString() }));
        var queue = await app.Get("/api/compliance/queue?pageSize=200");
        Assert.DoesNotContain(queue.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == deal.ToString());

        // An unrelated change screens it again: the same evidence, cleared, does not hold it.
        await app.Send(HttpMethod.Post, "/api/compliance/lists/entries", new { name = "Unrelated Party Ltd", sourceList = "Vendor denied parties" }, 201);
        await app.Rescreened();
        Assert.Equal(2, await app.Db.Scalar<long>("select count(*) from decisions where subject_id = @id", new { id = deal.ToString() }));
        // New evidence (another entry's alternate name) does.
        var added = await app.Send(HttpMethod.Post, "/api/compliance/lists/entries",
            new { name = "Kumgang Trading Bureau", altNames = new[] { "Kumgang Networks Bakery" }, sourceList = "Vendor denied parties" }, 201);
        var again = await app.Events.WaitFor<ScreeningDecided>(d => d.SubjectId == deal.ToString() && d.ChangeId == added.GetProperty("changeId").GetGuid());
        Assert.Equal(ScreeningOutcome.Review, again.Outcome);
    }

    [Fact]
    public async Task A_confirmed_hold_refuses_the_deal_and_cannot_be_decided_twice()
    {
        var (deal, held) = await app.Register(new ComplianceApp.Customer("Crimson Peak Telecom", Region: "TX"));
        Assert.Equal(ScreeningOutcome.Review, held.Outcome);

        await app.Send(HttpMethod.Post, $"/api/compliance/queue/deal/{deal}/confirm", new { reason = "The listed party's U.S. office." }, 200);
        var refused = await app.Events.WaitFor<ScreeningDecided>(d => d.SubjectId == deal.ToString() && d.Sequence == 2);
        var twice = await app.Officer().PostAsJsonAsync($"/api/compliance/queue/deal/{deal}/clear", new { reason = "changed my mind" });

        Assert.Equal(ScreeningOutcome.Block, refused.Outcome);
        Assert.Contains("The listed party's U.S. office.", refused.Reason);
        Assert.Equal(409, (int)twice.StatusCode);
    }

    [Fact]
    public async Task Deciding_without_a_reason_is_refused_and_changes_nothing()
    {
        var (deal, _) = await app.Register(new ComplianceApp.Customer("Valdoria SecureCom", Region: "FL"));

        var response = await app.Officer().PostAsJsonAsync($"/api/compliance/queue/deal/{deal}/clear", new { reason = " " });

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("reason", await response.Content.ReadAsStringAsync());
        Assert.Equal("open", await app.Db.Scalar<string>("select review from subjects where id = @id", new { id = deal.ToString() }));
    }
}
