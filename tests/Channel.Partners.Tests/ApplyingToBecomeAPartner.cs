using System.Net;
using System.Net.Http.Json;
using Channel.Contracts.Partners;

using Channel.Testing;

namespace Channel.Partners.Tests;

public sealed class ApplyingToBecomeAPartner(PartnersApp app) : IClassFixture<PartnersApp>
{
    [Fact]
    public async Task An_application_is_received_and_published_as_applied()
    {
        var response = await app.Anonymous().PostAsJsonAsync("/api/partners/applications",
            PartnersApp.Application(name: "Harbor Point Networks LLC", domain: "harborpoint.example", taxId: "12-3456789"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/api/partners/{id}", response.Headers.Location?.OriginalString);
        Assert.False(body.TryGetProperty("status", out _)); // the applicant is not told how screening went

        var partner = await app.Get(id);
        Assert.Equal("applied", partner.GetProperty("status").GetString());
        Assert.Equal("Harbor Point Networks LLC", partner.GetProperty("legalName").GetString());
        Assert.Equal("harborpoint.example", partner.GetProperty("websiteDomain").GetString());
        Assert.Equal(1, partner.GetProperty("version").GetInt32());

        var applied = await app.Events.WaitFor<PartnerApplied>(e => e.PartnerId == id);
        Assert.Equal(1, applied.Version);
        Assert.Equal("applied", applied.Partner.Status);
        Assert.Equal("harborpoint.example", applied.Partner.WebsiteDomain);
    }

    [Fact]
    public async Task A_second_application_for_the_same_domain_is_refused_telling_an_applicant_it_exists_and_staff_which_it_is()
    {
        var first = await app.Apply(PartnersApp.Application(domain: "duplicate-domain.example"));

        var anonymous = await app.Anonymous().PostAsJsonAsync("/api/partners/applications",
            PartnersApp.Application(name: "Someone Else Entirely", domain: "WWW.Duplicate-Domain.example"));
        var byStaff = await app.Manager().PostAsJsonAsync("/api/partners/applications",
            PartnersApp.Application(name: "Someone Else Entirely", domain: "duplicate-domain.example"));

        var problem = await anonymous.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal("websiteDomain", problem.GetProperty("field").GetString());
        Assert.False(problem.TryGetProperty("existingPartnerId", out _));
        Assert.DoesNotContain(first.ToString(), await anonymous.Content.ReadAsStringAsync());
        var shown = await byStaff.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal(first, shown.GetProperty("existingPartnerId").GetGuid());
        Assert.Equal($"/api/partners/{first}", shown.GetProperty("existingPartner").GetString());
        Assert.Equal(1L, await app.Db.Scalar<long>("select count(*) from partners where website_domain = 'duplicate-domain.example'"));
    }

    [Fact]
    public async Task A_second_application_with_the_same_tax_id_written_differently_is_refused()
    {
        var first = await app.Apply(PartnersApp.Application(taxId: "DE 811 907 980"));

        var response = await app.Manager().PostAsJsonAsync("/api/partners/applications",
            PartnersApp.Application(taxId: "de-811-907-980"));

        var problem = await response.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal(first, problem.GetProperty("existingPartnerId").GetGuid());
        Assert.Equal("taxId", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_rejected_applicant_may_apply_again()
    {
        var first = await app.Apply(PartnersApp.Application(domain: "second-chance.example"));
        (await app.Manager().PostAsJsonAsync($"/api/partners/{first}/reject", new { reason = "Incomplete references." })).EnsureSuccessStatusCode();

        var second = await app.Apply(PartnersApp.Application(domain: "second-chance.example"));

        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task The_contact_must_use_the_company_domain()
    {
        var application = new
        {
            legalName = "Gmail Resellers",
            country = "US",
            region = "CA",
            websiteDomain = "gmail-resellers.example",
            partnerType = "var",
            primaryContact = new { name = "Pat", email = "pat@gmail.com" },
            agreementVersion = "2026-01",
        };

        var response = await app.Anonymous().PostAsJsonAsync("/api/partners/applications", application);

        await response.AssertBadRequest("primaryContact.email");
        Assert.Equal(0L, await app.Db.Scalar<long>("select count(*) from partners where website_domain = 'gmail-resellers.example'"));
    }
}

public sealed class CatchingLookAlikes(PartnersApp app) : IClassFixture<PartnersApp>
{
    [Theory]
    [InlineData("rеdwood")] // the e is Cyrillic: sent as punycode (xn--…), it renders as redwood
    [InlineData("redw00d")] // zeros for o
    [InlineData("rédwood")] // an accent
    public async Task A_domain_that_reads_like_a_live_partners_goes_to_review_naming_it(string lookAlike)
    {
        var unique = Guid.NewGuid().ToString("N")[..6];
        var original = await app.Apply(PartnersApp.Application(name: $"Redwood Original {unique}", domain: $"redwood{unique}.example"));
        var domain = new System.Globalization.IdnMapping().GetAscii($"{lookAlike}{unique}.example");

        var id = await app.Apply(PartnersApp.Application(name: $"Different Name {unique}", domain: domain));

        var held = await app.Get(id);
        Assert.Equal("on_hold", held.GetProperty("status").GetString());
        Assert.Contains(original.ToString(), held.GetProperty("holdReason").GetString());
        Assert.Contains("reads like", held.GetProperty("holdReason").GetString());
    }

    [Fact]
    public async Task A_name_that_normalises_like_a_live_partners_goes_to_review_naming_it()
    {
        var unique = Guid.NewGuid().ToString("N")[..6];
        var original = await app.Apply(PartnersApp.Application(name: $"Summit {unique} Networks, Inc."));

        var id = await app.Apply(PartnersApp.Application(name: $"SUMMIT {unique.ToUpperInvariant()} NETWORKS LLC"));

        var held = await app.Get(id);
        Assert.Equal("on_hold", held.GetProperty("status").GetString());
        Assert.Contains(original.ToString(), held.GetProperty("holdReason").GetString());
        Assert.Equal("applied", (await app.Get(await app.Apply(PartnersApp.Application(name: $"Summit {unique} Cabling")))).GetProperty("status").GetString());
    }
}

public sealed class RateLimitingApplications(RateLimitedPartnersApp app) : IClassFixture<RateLimitedPartnersApp>
{
    [Fact]
    public async Task Applications_beyond_the_limit_are_refused_with_429()
    {
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
            codes.Add((await app.Anonymous().PostAsJsonAsync("/api/partners/applications", PartnersApp.Application())).StatusCode);

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created,
            HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], codes);
        Assert.Equal(3L, await app.Db.Scalar<long>("select count(*) from partners"));
    }
}
