using System.Net;
using System.Net.Http.Json;
using Channel.Contracts.Partners;

using Channel.Testing;

namespace Channel.Partners.Tests;

public sealed class ReviewingApplications(PartnersApp app) : IClassFixture<PartnersApp>
{
    [Fact]
    public async Task Approving_makes_the_partner_active_with_its_tier_and_publishes_version_2()
    {
        var id = await app.Apply();

        var response = await app.Manager().PostAsJsonAsync($"/api/partners/{id}/approve", new { tier = "gold" });

        response.EnsureSuccessStatusCode();
        var partner = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal("active", partner.GetProperty("status").GetString());
        Assert.Equal("gold", partner.GetProperty("tier").GetString());
        var approved = await app.Events.WaitFor<PartnerApproved>(e => e.PartnerId == id);
        Assert.Equal(2, approved.Version);
        Assert.Equal("gold", approved.Partner.Tier);
        Assert.Equal("test-channel-manager", approved.Actor);
    }

    [Fact]
    public async Task Approving_twice_is_a_conflict_naming_the_current_state()
    {
        var id = await app.ActivePartner();

        var response = await app.Manager().PostAsJsonAsync($"/api/partners/{id}/approve", new { tier = "platinum" });

        var problem = await response.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal("active", problem.GetProperty("currentStatus").GetString());
        Assert.Equal("silver", (await app.Get(id)).GetProperty("tier").GetString());
    }

    [Fact]
    public async Task Rejecting_needs_a_reason_and_records_it()
    {
        var id = await app.Apply();

        var missing = await app.Manager().PostAsJsonAsync($"/api/partners/{id}/reject", new { });
        await missing.AssertBadRequest("reason");
        Assert.Equal("applied", (await app.Get(id)).GetProperty("status").GetString());

        var response = await app.Manager().PostAsJsonAsync($"/api/partners/{id}/reject", new { reason = "No certified engineers." });
        response.EnsureSuccessStatusCode();
        var partner = await app.Get(id);
        Assert.Equal("rejected", partner.GetProperty("status").GetString());
        Assert.Equal("No certified engineers.", partner.GetProperty("statusReason").GetString());
        var rejected = await app.Events.WaitFor<PartnerRejected>(e => e.PartnerId == id);
        Assert.Equal("No certified engineers.", rejected.Reason);
    }

    [Fact]
    public async Task A_held_application_cannot_be_approved_until_a_manager_clears_the_hold()
    {
        var id = await app.LookAlikeOnHold();

        var refused = await app.Manager().PostAsJsonAsync($"/api/partners/{id}/approve", new { tier = "silver" });
        Assert.Equal("on_hold", (await refused.AssertProblem(HttpStatusCode.Conflict)).GetProperty("currentStatus").GetString());

        var partnerToken = await app.PartnerUser(id).PostAsJsonAsync($"/api/partners/{id}/clear-hold", new { reason = "me" });
        Assert.Equal(HttpStatusCode.Forbidden, partnerToken.StatusCode);

        var cleared = await app.Manager().PostAsJsonAsync($"/api/partners/{id}/clear-hold",
            new { reason = "Different company: Summit Networks of Ohio, verified by phone." });
        cleared.EnsureSuccessStatusCode();
        Assert.Equal("applied", (await app.Get(id)).GetProperty("status").GetString());
        Assert.Equal(3, (await app.Events.WaitFor<PartnerHoldCleared>(e => e.PartnerId == id)).Version);

        (await app.Manager().PostAsJsonAsync($"/api/partners/{id}/approve", new { tier = "registered" })).EnsureSuccessStatusCode();
        Assert.Equal("active", (await app.Get(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_held_application_can_be_rejected()
    {
        var id = await app.LookAlikeOnHold();

        var response = await app.Manager().PostAsJsonAsync($"/api/partners/{id}/reject", new { reason = "An impersonation of an existing partner." });

        response.EnsureSuccessStatusCode();
        Assert.Equal("rejected", (await app.Get(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Clearing_a_hold_that_is_not_there_is_a_conflict()
    {
        var id = await app.Apply();

        var response = await app.Manager().PostAsJsonAsync($"/api/partners/{id}/clear-hold", new { reason = "none" });

        Assert.Equal("applied", (await response.AssertProblem(HttpStatusCode.Conflict)).GetProperty("currentStatus").GetString());
    }

    [Fact]
    public async Task Acting_on_a_partner_that_does_not_exist_is_404()
    {
        var response = await app.Manager().PostAsJsonAsync($"/api/partners/{Guid.NewGuid()}/approve", new { tier = "gold" });

        await response.AssertProblem(HttpStatusCode.NotFound);
    }
}
