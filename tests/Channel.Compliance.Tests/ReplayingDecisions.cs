using Channel.Contracts.Compliance;

namespace Channel.Compliance.Tests;

/// <summary>What was known when: a subject screened as of a moment before a change gets the decision of then.</summary>
public sealed class ReplayingDecisions(ComplianceApp app) : IClassFixture<ComplianceApp>
{
    [Fact]
    public async Task Replay_as_of_a_date_before_a_rule_change_gives_the_old_decision()
    {
        var customer = new ComplianceApp.Customer("Riverside County Water District", CustomerTypes.CriticalInfrastructure, Region: "CA", Families: ["security"]);
        var (deal, before) = await app.Register(customer);
        var screenedAt = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromDays(2));
        var rule = await app.Send(HttpMethod.Post, "/api/compliance/rules", new
        {
            country = "US",
            region = "CA",
            customerType = "critical-infrastructure",
            fundingSource = "*",
            productPattern = "security",
            action = "review",
            citation = "Demo: state utility security order",
            description = "Security appliances for California utilities are reviewed.",
            effectiveFrom = "2026-01-01",
        }, 201);
        await app.Events.WaitFor<ScreeningDecided>(d => d.SubjectId == deal.ToString() && d.ChangeId == rule.GetProperty("changeId").GetGuid());

        var then = await app.Get($"/api/compliance/subjects/deal/{deal}/screening?asOf={Uri.EscapeDataString(screenedAt.AddDays(1).ToString("O"))}");
        var now = await app.Get($"/api/compliance/subjects/deal/{deal}/screening");

        Assert.Equal(ScreeningOutcome.Clear, before.Outcome);
        Assert.Equal("clear", then.GetProperty("replayed").GetProperty("outcome").GetString());
        Assert.Equal("clear", then.GetProperty("decisionThen").GetProperty("outcome").GetString());
        Assert.Equal(before.RulesVersion, then.GetProperty("replayed").GetProperty("rulesVersion").GetInt32());
        Assert.Equal("review", now.GetProperty("replayed").GetProperty("outcome").GetString());
        Assert.Equal("review", now.GetProperty("decisionThen").GetProperty("outcome").GetString());
        Assert.True(now.GetProperty("replayed").GetProperty("rulesVersion").GetInt32() > before.RulesVersion);
    }

    [Fact]
    public async Task Before_anything_was_known_of_a_subject_replay_says_so()
    {
        var (deal, _) = await app.Register(new ComplianceApp.Customer("Late Arrival Inc"));
        var response = await app.Officer().GetAsync(
            $"/api/compliance/subjects/deal/{deal}/screening?asOf={Uri.EscapeDataString(ComplianceApp.Start.AddDays(-30).ToString("O"))}");

        Assert.Equal(404, (int)response.StatusCode);
    }
}
