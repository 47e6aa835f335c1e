using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Partners;
using Channel.Testing;

namespace Channel.Partners.Tests;

/// <summary>
/// The Compliance service screens every application and live partner; Partners applies its decisions in the order they
/// were made. A hold is compliance's to clear: a channel manager sees that the partner is held and why in general terms.
/// </summary>
public sealed class ScreeningPartners(PartnersApp app) : IClassFixture<PartnersApp>
{
    const string ListHit = "Held for compliance review: a possible screening-list match";

    [Fact]
    public async Task An_application_waits_for_screening_and_a_compliance_hold_is_cleared_by_compliance_not_by_a_manager()
    {
        var id = await app.Apply();
        var applied = await app.Get(id);
        Assert.Equal(("applied", "pending"), (applied.GetProperty("status").GetString(), applied.GetProperty("screening").GetString()));

        await app.Screen(id, 1, "review", ListHit);

        var held = await app.Get(id);
        Assert.Equal(("on_hold", "review"), (held.GetProperty("status").GetString(), held.GetProperty("screening").GetString()));
        Assert.Equal(ListHit, held.GetProperty("holdReason").GetString());
        var hold = await app.Events.WaitFor<PartnerPlacedOnHold>(e => e.PartnerId == id);
        Assert.Equal(("compliance", "on_hold", 2), (hold.Actor, hold.Partner.Status, hold.Version));
        var refused = await app.Manager().PostAsJsonAsync($"/api/partners/{id}/clear-hold", new { reason = "Looks fine to me." });
        Assert.Contains("compliance officer", (await refused.AssertProblem(HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await app.Manager().PostAsJsonAsync($"/api/partners/{id}/approve", new { tier = "gold" })).StatusCode);

        await app.Screen(id, 2, "clear", "Cleared by a compliance officer");

        var cleared = await app.Get(id);
        Assert.Equal(("applied", "clear"), (cleared.GetProperty("status").GetString(), cleared.GetProperty("screening").GetString()));
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("holdReason").ValueKind);
        Assert.Equal("compliance", (await app.Events.WaitFor<PartnerHoldCleared>(e => e.PartnerId == id)).Actor);
        (await app.Manager().PostAsJsonAsync($"/api/partners/{id}/approve", new { tier = "gold" })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_clear_screening_keeps_the_application_in_review_and_is_announced()
    {
        var id = await app.Apply();

        await app.Screen(id, 1, "clear", "Screened clear");

        var partner = await app.Get(id);
        Assert.Equal(("applied", "clear"), (partner.GetProperty("status").GetString(), partner.GetProperty("screening").GetString()));
        var screened = await app.Events.WaitFor<PartnerScreened>(e => e.PartnerId == id);
        Assert.Equal(("clear", 2), (screened.Outcome, screened.Version));
    }

    [Fact]
    public async Task A_live_partner_held_after_a_list_change_is_on_hold_and_active_again_once_compliance_clears_it()
    {
        var id = await app.ActivePartner("gold");
        await app.Screen(id, 1, "clear", "Screened clear");

        await app.Screen(id, 2, "review", ListHit);

        var held = await app.Get(id);
        Assert.Equal(("on_hold", "gold"), (held.GetProperty("status").GetString(), held.GetProperty("tier").GetString()));
        var hold = await app.Events.WaitFor<PartnerPlacedOnHold>(e => e.PartnerId == id);
        Assert.Equal("on_hold", hold.Partner.Status);
        Assert.Equal(HttpStatusCode.Conflict, (await app.Manager().PostAsJsonAsync($"/api/partners/{id}/suspend", new { reason = "x" })).StatusCode);

        await app.Screen(id, 3, "clear", "Cleared by a compliance officer");

        Assert.Equal("active", (await app.Get(id)).GetProperty("status").GetString());
        var back = await app.Events.WaitFor<PartnerHoldCleared>(e => e.PartnerId == id);
        // Its active span goes on (a hold pauses its distributor authorizations, which come back): not active "since" the clearance.
        Assert.True(hold.Partner.ActiveSinceVersion < hold.Version);
        Assert.Equal(("active", hold.Partner.ActiveSinceVersion), (back.Partner.Status, back.Partner.ActiveSinceVersion));
    }

    [Fact]
    public async Task A_suspended_partner_that_compliance_holds_is_not_reinstated_until_it_is_cleared()
    {
        var id = await app.ActivePartner();
        (await app.Manager().PostAsJsonAsync($"/api/partners/{id}/suspend", new { reason = "Unpaid invoices." })).EnsureSuccessStatusCode();

        await app.Screen(id, 1, "block", "Refused by a compliance officer: confirmed match");

        var suspended = await app.Get(id);
        Assert.Equal(("suspended", "block"), (suspended.GetProperty("status").GetString(), suspended.GetProperty("screening").GetString()));
        var refused = await app.Manager().PostAsJsonAsync($"/api/partners/{id}/reinstate", new { reason = "Paid." });
        await refused.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal("suspended", (await app.Get(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_older_decision_arriving_late_changes_nothing()
    {
        var id = await app.Apply();
        await app.Screen(id, 2, "review", ListHit);
        var version = (await app.Get(id)).GetProperty("version").GetInt32();

        await app.Screen(id, 1, "clear", "Screened clear", applied: false);

        var partner = await app.Get(id);
        Assert.Equal(("on_hold", "review", version),
            (partner.GetProperty("status").GetString(), partner.GetProperty("screening").GetString(), partner.GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task A_look_alike_hold_stays_a_channel_managers_to_clear()
    {
        var id = await app.LookAlikeOnHold();

        var cleared = await app.Manager().PostAsJsonAsync($"/api/partners/{id}/clear-hold", new { reason = "A different company, checked by phone." });

        cleared.EnsureSuccessStatusCode();
        Assert.Equal("applied", (await app.Get(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_application_held_both_as_a_look_alike_and_by_compliance_waits_for_both_to_be_cleared()
    {
        var id = await app.LookAlikeOnHold();
        var lookAlike = (await app.Get(id)).GetProperty("holdReason").GetString();
        await app.Screen(id, 1, "review", ListHit);

        // The manager cannot clear it while compliance holds it; compliance clearing its own hold leaves the manager's.
        var early = await app.Manager().PostAsJsonAsync($"/api/partners/{id}/clear-hold", new { reason = "A different company." });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        await app.Screen(id, 2, "clear", "Cleared by a compliance officer");
        var still = await app.Get(id);
        Assert.Equal(("on_hold", lookAlike), (still.GetProperty("status").GetString(), still.GetProperty("holdReason").GetString()));

        (await app.Manager().PostAsJsonAsync($"/api/partners/{id}/clear-hold", new { reason = "A different company, checked by phone." })).EnsureSuccessStatusCode();
        Assert.Equal("applied", (await app.Get(id)).GetProperty("status").GetString());
    }
}
