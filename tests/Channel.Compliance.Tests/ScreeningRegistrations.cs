using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Compliance;

namespace Channel.Compliance.Tests;

/// <summary>A registration, screened against the public-sector rules and the screening lists as Deals asks.</summary>
public sealed class ScreeningRegistrations(ComplianceApp app) : IClassFixture<ComplianceApp>
{
    static ComplianceApp.Customer Agency(params string[] families) =>
        new("Department of Transportation", CustomerTypes.FederalAgency, FundingSources.FederalAppropriation, Attestation: ComplianceApp.Attested, Families: families);

    [Fact]
    public async Task A_federal_agency_buying_a_covered_product_family_is_refused_with_its_citation()
    {
        var (deal, decided) = await app.Register(Agency("optics", "switching"));

        Assert.Equal(ScreeningOutcome.Block, decided.Outcome);
        Assert.Equal(ComplianceApp.Section889, decided.Citation);
        Assert.Contains(ComplianceApp.Section889, decided.Reason);
        // The decision is kept with what it was made from.
        var decisions = await app.Get($"/api/compliance/decisions?subject=deal:{deal}");
        var stored = Assert.Single(decisions.GetProperty("items").EnumerateArray());
        Assert.Equal("block", stored.GetProperty("outcome").GetString());
        Assert.Equal("federal-agency", stored.GetProperty("inputs").GetProperty("customerType").GetString());
        Assert.True(stored.GetProperty("rulesVersion").GetInt32() >= 10);
        Assert.Equal(1, stored.GetProperty("listVersion").GetInt32());
        var rule = Assert.Single(stored.GetProperty("appliedRules").EnumerateArray());
        Assert.Equal(("switching", "block"), (rule.GetProperty("product").GetString(), rule.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task A_federal_agency_buying_only_what_no_rule_covers_is_clear()
    {
        var (_, decided) = await app.Register(Agency("optics", "services"));

        Assert.Equal(ScreeningOutcome.Clear, decided.Outcome);
    }

    [Fact]
    public async Task An_e_rate_school_goes_to_review_under_the_universal_service_rule()
    {
        var (deal, decided) = await app.Register(new("Lincoln Unified School District", CustomerTypes.UniversalServiceRecipient, FundingSources.ERate,
            Attestation: ComplianceApp.Attested, Families: ["wireless"]));

        Assert.Equal(ScreeningOutcome.Review, decided.Outcome);
        Assert.StartsWith("47 CFR §54.9", decided.Citation);
        var queue = await app.Get("/api/compliance/queue?kind=deal&pageSize=200");
        var item = Assert.Single(queue.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == deal.ToString());
        Assert.Equal("usf-e-rate", Assert.Single(item.GetProperty("appliedRules").EnumerateArray()).GetProperty("fundingSource").GetString());
    }

    [Fact]
    public async Task The_same_school_paying_with_its_own_funds_is_clear()
    {
        var (_, decided) = await app.Register(new("Lincoln Unified School District", CustomerTypes.Education, FundingSources.Own, Families: ["wireless"]));

        Assert.Equal(ScreeningOutcome.Clear, decided.Outcome);
    }

    [Fact]
    public async Task A_public_sector_customer_without_a_current_attestation_is_held()
    {
        var (_, unattested) = await app.Register(new("City of Fresno", CustomerTypes.StateLocalGovernment, FundingSources.StateLocalBudget));
        var (_, old) = await app.Register(new("City of Fresno", CustomerTypes.StateLocalGovernment, FundingSources.StateLocalBudget, Attestation: "2019-1"));
        var (_, attested) = await app.Register(new("City of Fresno", CustomerTypes.StateLocalGovernment, FundingSources.StateLocalBudget,
            Attestation: ComplianceApp.Attested));

        Assert.Equal((ScreeningOutcome.Review, ScreeningOutcome.Review, ScreeningOutcome.Clear), (unattested.Outcome, old.Outcome, attested.Outcome));
        Assert.Contains("attestation", unattested.Reason);
    }

    [Fact]
    public async Task An_end_customer_on_a_screening_list_is_held_and_the_reason_does_not_name_the_entry()
    {
        var (deal, decided) = await app.Register(new("O.S.T. Middle East", Region: "NY"));

        Assert.Equal(ScreeningOutcome.Review, decided.Outcome);
        Assert.DoesNotContain("Oceanic", decided.Reason);
        var stored = (await app.Get($"/api/compliance/decisions?subject=deal:{deal}")).GetProperty("items")[0];
        var hit = Assert.Single(stored.GetProperty("hits").EnumerateArray());
        Assert.Equal(("demo-el-1001", "alt_name", "OST Middle East"),
            (hit.GetProperty("entryKey").GetString(), hit.GetProperty("field").GetString(), hit.GetProperty("listed").GetString()));
    }

    [Fact]
    public async Task A_listed_domain_holds_a_customer_whatever_its_name()
    {
        var (_, decided) = await app.Register(new("Harbour Logistics", Domain: "sales.crimsonpeak-telecom.example"));

        Assert.Equal(ScreeningOutcome.Review, decided.Outcome);
    }

    [Fact]
    public async Task A_registration_delivered_twice_is_screened_once()
    {
        var messageId = Guid.NewGuid();
        var (deal, _) = await app.Register(new("Harbour Logistics"), messageId);
        await app.Events.Publish(new Channel.Contracts.Deals.DealRegistered
        {
            DealId = deal,
            Version = 2,
            OccurredAt = app.Clock.GetUtcNow(),
            Actor = "test",
            ConflictCount = 0,
            Deal = ComplianceApp.State(new("Harbour Logistics Renamed")),
        }, messageId);
        // Both copies handled to their end (the second turned away): only then is "once" a finding.
        await app.Consumed.WaitFor(messageId, 2);

        Assert.Equal(1, await app.Db.Scalar<long>("select count(*) from decisions where subject_id = @id", new { id = deal.ToString() }));
        Assert.Equal(1, await app.Db.Scalar<int>("select version from subjects where id = @id", new { id = deal.ToString() }));
    }

    [Fact]
    public async Task An_officer_screens_a_party_before_anyone_registers_it()
    {
        var response = await app.Officer().PostAsJsonAsync("/api/compliance/screenings",
            new { name = "Crimson Peak Telecom Holdings", country = "US", customerType = "military", products = new[] { "routing" }, attestation = "2026-1" });
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();

        response.EnsureSuccessStatusCode();
        var verdict = answer.GetProperty("verdict");
        Assert.Equal("block", verdict.GetProperty("outcome").GetString());
        Assert.Contains(verdict.GetProperty("hits").EnumerateArray(), h => h.GetProperty("entryKey").GetString() == "demo-sdn-2001");
        Assert.Equal(0, await app.Db.Scalar<long>("select count(*) from decisions where inputs->>'name' = 'Crimson Peak Telecom Holdings'"));
    }
}
