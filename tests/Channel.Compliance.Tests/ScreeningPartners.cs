using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Compliance;
using Channel.Contracts.Partners;

namespace Channel.Compliance.Tests;

/// <summary>
/// Partner applications and live partners are screened by name, domain and country: when they arrive, and again after a
/// list or rule change. A hold goes to the compliance queue with its evidence; a channel manager reads only that it is held.
/// </summary>
public sealed class ScreeningPartners(ComplianceApp app) : IClassFixture<ComplianceApp>
{
    [Fact]
    public async Task An_application_is_screened_once_and_a_list_match_on_its_domain_holds_it_with_the_evidence()
    {
        var clean = Guid.NewGuid();
        var held = Guid.NewGuid();

        await app.Partner(clean, 1, "Cascade Voice & Data", "cascadevoice.example");
        await app.Partner(held, 1, "Friendly Name Resellers", "us.oceanic-shadow.example");

        var cleared = await app.Events.WaitFor<ScreeningDecided>(d => d.SubjectId == clean.ToString());
        Assert.Equal((ScreeningSubject.Partner, ScreeningOutcome.Clear), (cleared.SubjectKind, cleared.Outcome));
        var hold = await app.Events.WaitFor<ScreeningDecided>(d => d.SubjectId == held.ToString());
        Assert.Equal(ScreeningOutcome.Review, hold.Outcome);
        Assert.DoesNotContain("Oceanic", hold.Reason); // the reason travels to managers; the entry stays with compliance
        var queue = await app.Get("/api/compliance/queue?pageSize=200", app.Officer());
        var item = queue.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == held.ToString());
        Assert.Contains("Oceanic Shadow Trading LLC", item.ToString());
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await app.Manager().GetAsync("/api/compliance/queue")).StatusCode);

        // Another version of the same partner (a tier change, a user added) does not screen it again unless something changed.
        await app.Partner(clean, 2, "Cascade Voice & Data", "cascadevoice.example", PartnerStatus.Active);
        Assert.Equal(1, await app.Db.Scalar<long>("select count(*) from decisions where kind = 'partner' and subject_id = @id", new { id = clean.ToString() }));
    }

    [Fact]
    public async Task A_list_import_that_adds_a_live_partners_name_as_an_alternate_name_holds_it_and_the_impact_report_shows_it()
    {
        var partner = Guid.NewGuid();
        var stranger = Guid.NewGuid();
        await app.Partner(partner, 1, "Pinecrest Telecom Partners", "pinecrest-telecom.example");
        await app.Partner(partner, 2, "Pinecrest Telecom Partners", "pinecrest-telecom.example", PartnerStatus.Active);
        await app.Partner(stranger, 1, "Pinewood Cabling", "pinewood.example");
        await app.Partner(stranger, 2, "Pinewood Cabling", "pinewood.example", PartnerStatus.Active);
        Assert.Equal(ScreeningOutcome.Clear, (await app.Events.WaitFor<ScreeningDecided>(d => d.SubjectId == partner.ToString())).Outcome);

        var response = await app.Officer().PostAsync("/api/compliance/lists/imports?name=uvl-2026-11", ComplianceApp.Csv(
            "_id,source,name,alt_names,ids\nuvl-4411,Unverified List (UVL) - Bureau of Industry and Security,Harbor Crest Logistics Ltd,Pinecrest Telecom Partners; HCL Trading,"));
        Assert.Equal(201, (int)response.StatusCode);
        var change = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("changeId").GetGuid();

        var hold = await app.Events.WaitFor<ScreeningDecided>(d => d.SubjectId == partner.ToString() && d.ChangeId == change);
        Assert.Equal((ScreeningSubject.Partner, ScreeningOutcome.Review, ScreeningOutcome.Clear), (hold.SubjectKind, hold.Outcome, hold.PreviousOutcome));
        await app.Rescreened();
        var impact = await app.Get($"/api/compliance/changes/{change}/impact?pageSize=500");
        var touched = impact.GetProperty("touched").EnumerateArray().Where(t => t.GetProperty("kind").GetString() == "partner").ToList();
        var row = Assert.Single(touched);
        Assert.Equal((partner.ToString(), "clear", "review"),
            (row.GetProperty("subjectId").GetString(), row.GetProperty("before").GetString(), row.GetProperty("after").GetString()));
        Assert.Equal(1, await app.Db.Scalar<long>("select count(*) from decisions where subject_id = @id", new { id = stranger.ToString() }));
    }

    [Fact]
    public async Task A_rejected_application_is_not_screened_again()
    {
        var partner = Guid.NewGuid();
        await app.Partner(partner, 1, "Short Lived Networks", "short-lived.example");
        await app.Events.WaitFor<ScreeningDecided>(d => d.SubjectId == partner.ToString());
        await app.Partner(partner, 2, "Short Lived Networks", "short-lived.example", PartnerStatus.Rejected);

        Assert.False(await app.Db.Scalar<bool>("select live from subjects where kind = 'partner' and id = @id", new { id = partner.ToString() }));
    }
}

/// <summary>Distributors are screened by name when onboarded and after list changes; a hold waits in the compliance queue.</summary>
public sealed class ScreeningDistributors(ComplianceApp app) : IClassFixture<ComplianceApp>
{
    async Task Onboarded(Guid id, int version, string name, string status = Channel.Contracts.Distributors.DistributorStatus.Active)
    {
        await app.Events.Publish(new Channel.Contracts.Distributors.DistributorOnboarded
        {
            DistributorId = id,
            Version = version,
            OccurredAt = app.Clock.GetUtcNow(),
            Actor = "test",
            Distributor = new() { Name = name, Countries = ["US"], Regions = ["CA"], Status = status },
        });
        await app.Db.WaitFor("select count(*) from subjects where kind = 'distributor' and id = @id and version = @version",
            args: new { id = id.ToString(), version });
    }

    [Fact]
    public async Task A_distributor_named_on_the_list_is_held_and_a_clean_one_is_cleared()
    {
        var (clean, listed) = (Guid.NewGuid(), Guid.NewGuid());

        await Onboarded(clean, 1, "Sierra Components Supply");
        await Onboarded(listed, 1, "Kumgang Networks Distribution");

        Assert.Equal(ScreeningOutcome.Clear, (await app.Events.WaitFor<ScreeningDecided>(d => d.SubjectId == clean.ToString())).Outcome);
        var held = await app.Events.WaitFor<ScreeningDecided>(d => d.SubjectId == listed.ToString());
        Assert.Equal((ScreeningSubject.Distributor, ScreeningOutcome.Review), (held.SubjectKind, held.Outcome));
        var queue = await app.Get("/api/compliance/queue?kind=distributor&pageSize=200", app.Officer());
        Assert.Contains("Kumgang Network Services Corporation",
            queue.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == listed.ToString()).GetProperty("hits").ToString());
    }
}
