using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Partners;

using Channel.Testing;

namespace Channel.Partners.Tests;

public sealed class ManagingActivePartners(PartnersApp app) : IClassFixture<PartnersApp>
{
    [Fact]
    public async Task Suspend_reinstate_retier_and_terminate_each_publish_the_next_version()
    {
        var id = await app.ActivePartner("silver");
        var manager = app.Manager();

        (await manager.PostAsJsonAsync($"/api/partners/{id}/suspend", new { reason = "Lapsed insurance." })).EnsureSuccessStatusCode();
        Assert.Equal(3, (await app.Events.WaitFor<PartnerSuspended>(e => e.PartnerId == id)).Version);

        (await manager.PostAsJsonAsync($"/api/partners/{id}/reinstate", new { reason = "Insurance renewed." })).EnsureSuccessStatusCode();
        var reinstated = await app.Events.WaitFor<PartnerReinstated>(e => e.PartnerId == id);
        Assert.Equal(4, reinstated.Version);
        Assert.Equal("active", reinstated.Partner.Status);
        Assert.Equal("silver", reinstated.Partner.Tier);

        (await manager.PostAsJsonAsync($"/api/partners/{id}/tier", new { tier = "platinum", reason = "Hit $5M annual bookings." })).EnsureSuccessStatusCode();
        var retiered = await app.Events.WaitFor<PartnerTierChanged>(e => e.PartnerId == id);
        Assert.Equal(5, retiered.Version);
        Assert.Equal("silver", retiered.PreviousTier);
        Assert.Equal("platinum", retiered.Partner.Tier);

        (await manager.PostAsJsonAsync($"/api/partners/{id}/terminate", new { reason = "Acquired by a competitor." })).EnsureSuccessStatusCode();
        var terminated = await app.Events.WaitFor<PartnerTerminated>(e => e.PartnerId == id);
        Assert.Equal(6, terminated.Version);
        Assert.Equal("terminated", (await app.Get(id)).GetProperty("status").GetString());
    }

    /// <summary>A partner in the state named, made through the API.</summary>
    async Task<Guid> PartnerIn(string status)
    {
        var manager = app.Manager();
        switch (status)
        {
            case "applied": return await app.Apply();
            case "on_hold": return await app.LookAlikeOnHold();
            case "active": return await app.ActivePartner();
        }
        var id = await app.ActivePartner();
        if (status is "suspended") (await manager.PostAsJsonAsync($"/api/partners/{id}/suspend", new { reason = "audit" })).EnsureSuccessStatusCode();
        if (status is "terminated") (await manager.PostAsJsonAsync($"/api/partners/{id}/terminate", new { reason = "gone" })).EnsureSuccessStatusCode();
        if (status is "rejected")
        {
            id = await app.Apply();
            (await manager.PostAsJsonAsync($"/api/partners/{id}/reject", new { reason = "no references" })).EnsureSuccessStatusCode();
        }
        return id;
    }

    [Theory]
    [InlineData("applied")]
    [InlineData("on_hold")]
    [InlineData("active")]
    [InlineData("suspended")]
    public async Task Terminate_works_from_every_live_state(string status)
    {
        var id = await PartnerIn(status);
        Assert.Equal(status, (await app.Get(id)).GetProperty("status").GetString());

        (await app.Manager().PostAsJsonAsync($"/api/partners/{id}/terminate", new { reason = "Ends its agreement." })).EnsureSuccessStatusCode();

        var terminated = await app.Events.WaitFor<PartnerTerminated>(e => e.PartnerId == id);
        Assert.Equal(("terminated", "Ends its agreement."), (terminated.Partner.Status, terminated.Reason));
        Assert.Equal("terminated", (await app.Get(id)).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("rejected")]
    [InlineData("terminated")]
    public async Task Terminate_is_a_conflict_once_the_partner_is_gone(string status)
    {
        var id = await PartnerIn(status);
        var before = (await app.Get(id)).GetProperty("version").GetInt32();

        var problem = await (await app.Manager().PostAsJsonAsync($"/api/partners/{id}/terminate", new { reason = "again" })).AssertProblem(HttpStatusCode.Conflict);

        Assert.Equal(status, problem.GetProperty("currentStatus").GetString());
        Assert.Equal(before, (await app.Get(id)).GetProperty("version").GetInt32());
    }

    [Theory]
    [InlineData("reinstate", "active")]
    [InlineData("clear-hold", "active")]
    [InlineData("reject", "active")]
    public async Task Moves_not_allowed_from_active_are_conflicts(string action, string current)
    {
        var id = await app.ActivePartner();

        var response = await app.Manager().PostAsJsonAsync($"/api/partners/{id}/{action}", new { reason = "x" });

        Assert.Equal(current, (await response.AssertProblem(HttpStatusCode.Conflict)).GetProperty("currentStatus").GetString());
    }

    [Fact]
    public async Task A_terminated_partner_cannot_be_suspended_reinstated_retiered_or_terminated_again()
    {
        var id = await app.ActivePartner();
        (await app.Manager().PostAsJsonAsync($"/api/partners/{id}/terminate", new { reason = "Contract ended." })).EnsureSuccessStatusCode();

        foreach (var (path, body) in new (string, object)[]
        {
            ("suspend", new { reason = "x" }), ("reinstate", new { reason = "x" }),
            ("tier", new { tier = "gold", reason = "x" }), ("terminate", new { reason = "x" }),
        })
        {
            var response = await app.Manager().PostAsJsonAsync($"/api/partners/{id}/{path}", body);
            Assert.Equal("terminated", (await response.AssertProblem(HttpStatusCode.Conflict)).GetProperty("currentStatus").GetString());
        }
        Assert.Equal(3, (await app.Get(id)).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Changing_to_the_same_tier_is_a_conflict()
    {
        var id = await app.ActivePartner("gold");

        var response = await app.Manager().PostAsJsonAsync($"/api/partners/{id}/tier", new { tier = "gold", reason = "again" });

        await response.AssertProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_history_records_every_change_with_who_and_why()
    {
        var id = await app.ActivePartner("registered");
        var manager = app.Manager();
        (await manager.PostAsJsonAsync($"/api/partners/{id}/tier", new { tier = "gold", reason = "Certified two engineers." })).EnsureSuccessStatusCode();
        (await manager.PostAsJsonAsync($"/api/partners/{id}/suspend", new { reason = "Audit pending." })).EnsureSuccessStatusCode();

        var history = await manager.GetFromJsonAsync<JsonElement>($"/api/partners/{id}/history");

        var entries = history.EnumerateArray().ToList();
        Assert.Equal(["applied", "approved", "tier_changed", "suspended"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal([1, 2, 3, 4], entries.Select(e => e.GetProperty("version").GetInt32()));
        Assert.StartsWith("applicant:jamie@", entries[0].GetProperty("actor").GetString());
        Assert.Equal("test-channel-manager", entries[2].GetProperty("actor").GetString());
        Assert.Equal("Certified two engineers.", entries[2].GetProperty("reason").GetString());
        Assert.Equal("registered", entries[2].GetProperty("changes").GetProperty("tier").GetProperty("from").GetString());
        Assert.Equal("gold", entries[2].GetProperty("changes").GetProperty("tier").GetProperty("to").GetString());
        Assert.Equal("Audit pending.", entries[3].GetProperty("reason").GetString());
    }
}
