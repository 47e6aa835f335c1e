using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Distributors;
using Channel.Contracts.Partners;
using Channel.Testing;

namespace Channel.Distributors.Tests;

public sealed class OnboardingDistributors(DistributorsApp app) : IClassFixture<DistributorsApp>
{
    [Fact]
    public async Task A_manager_onboards_a_distributor_and_it_is_published()
    {
        var id = await app.Onboard("TD Synnex Americas Test " + Guid.NewGuid().ToString("N")[..6], "CA", "NY");

        var onboarded = await app.Events.WaitFor<DistributorOnboarded>(e => e.DistributorId == id);
        Assert.Equal(["CA", "NY"], onboarded.Distributor.Regions);
        var distributor = await app.Manager().GetFromJsonAsync<JsonElement>($"/api/distributors/{id}");
        Assert.Equal("Dana Ortiz", distributor.GetProperty("contacts")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_same_name_twice_is_a_conflict()
    {
        var name = $"Ingram Test {Guid.NewGuid():N}";
        await app.Onboard(name);

        var response = await app.Manager().PostAsJsonAsync("/api/distributors", new { name = name.ToUpperInvariant(), countries = new[] { "US" }, regions = new[] { "CA" } });

        await response.AssertProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_distributor_sees_itself_and_its_users_only()
    {
        var mine = await app.Onboard();
        var theirs = await app.Onboard();
        var me = app.Distributor(mine);

        (await me.PostAsJsonAsync($"/api/distributors/{mine}/users", new { name = "Pat Kim", email = $"pat.{Guid.NewGuid():N}@dist.example", role = "operations" }))
            .EnsureSuccessStatusCode();

        Assert.Equal([mine], (await me.GetFromJsonAsync<JsonElement>("/api/distributors")).GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()));
        Assert.Single((await me.GetFromJsonAsync<JsonElement>($"/api/distributors/{mine}/users")).EnumerateArray());
        await (await me.GetAsync($"/api/distributors/{theirs}")).AssertProblem(HttpStatusCode.NotFound);
        await (await me.GetAsync($"/api/distributors/{theirs}/users")).AssertProblem(HttpStatusCode.NotFound);
        await (await me.PostAsJsonAsync($"/api/distributors/{theirs}/users", new { name = "Mole", email = "mole@x.example", role = "admin" }))
            .AssertProblem(HttpStatusCode.NotFound);
    }
}

public sealed class AuthorizingResellers(DistributorsApp app) : IClassFixture<DistributorsApp>
{
    [Fact]
    public async Task A_manager_authorizes_a_distributor_to_serve_an_active_partner_in_some_of_its_regions()
    {
        var name = $"Tailspin Supply {Guid.NewGuid():N}";
        var distributor = await app.Onboard(name, "CA", "OR", "WA");
        var partner = await app.PartnerWithStatus("active");

        var response = await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/authorizations", new { partnerId = partner, regions = new[] { "or", "CA" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var authorized = await app.Events.WaitFor<ResellerAuthorized>(e => e.Authorization.PartnerId == partner);
        Assert.Equal(1, authorized.Version);
        Assert.Equal(["CA", "OR"], authorized.Authorization.Regions);
        // Both sides named, for a reader that hears of the authorization first.
        Assert.Equal((name, $"Reseller {partner:N}"[..17]), (authorized.Authorization.DistributorName, authorized.Authorization.PartnerName));
        var resellers = await app.Manager().GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/resellers");
        Assert.Equal(partner, Assert.Single(resellers.GetProperty("items").EnumerateArray()).GetProperty("partnerId").GetGuid());
        var ofPartner = await app.Partner(partner).GetFromJsonAsync<JsonElement>($"/api/distributors/partners/{partner}");
        Assert.Equal(distributor, Assert.Single(ofPartner.EnumerateArray()).GetProperty("distributorId").GetGuid());
        Assert.Equal([distributor], (await app.Partner(partner).GetFromJsonAsync<JsonElement>("/api/distributors")).GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task Regions_the_distributor_does_not_serve_are_refused()
    {
        var distributor = await app.Onboard(regions: ["CA"]);
        var partner = await app.PartnerWithStatus("active");

        var response = await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/authorizations", new { partnerId = partner, regions = new[] { "CA", "NY" } });

        Assert.Contains("NY", (await response.AssertBadRequest("regions")).GetProperty("errors").GetProperty("regions")[0].GetString());
    }

    [Theory]
    [InlineData("applied")]
    [InlineData("suspended")]
    public async Task Only_an_active_partner_can_be_authorized(string status)
    {
        var distributor = await app.Onboard();
        var partner = await app.PartnerWithStatus(status);

        var response = await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/authorizations", new { partnerId = partner, regions = new[] { "CA" } });

        Assert.Equal(status, (await response.AssertProblem(HttpStatusCode.Conflict)).GetProperty("partnerStatus").GetString());
    }

    [Fact]
    public async Task Changing_regions_and_revoking_publish_the_next_versions()
    {
        var distributor = await app.Onboard();
        var partner = await app.AuthorizedReseller(distributor, "CA");

        (await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/authorizations", new { partnerId = partner, regions = new[] { "CA", "TX" } }))
            .EnsureSuccessStatusCode();
        Assert.Equal(["CA", "TX"], (await app.Events.WaitFor<ResellerAuthorized>(e => e.Authorization.PartnerId == partner && e.Version == 2)).Authorization.Regions);

        (await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/authorizations/{partner}/revoke", new { reason = "Contract ended." }))
            .EnsureSuccessStatusCode();
        var revoked = await app.Events.WaitFor<ResellerAuthorizationRevoked>(e => e.Authorization.PartnerId == partner);
        Assert.Equal(3, revoked.Version);
        Assert.Equal("Contract ended.", revoked.Reason);

        var again = await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/authorizations/{partner}/revoke", new { reason = "twice" });
        Assert.Equal("revoked", (await again.AssertProblem(HttpStatusCode.Conflict)).GetProperty("currentStatus").GetString());
        Assert.Empty((await app.Manager().GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/resellers")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_revoked_reseller_can_be_authorized_again_and_is_served_again()
    {
        var distributor = await app.Onboard();
        var partner = await app.AuthorizedReseller(distributor, "CA");
        (await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/authorizations/{partner}/revoke", new { reason = "Contract ended." }))
            .EnsureSuccessStatusCode();
        Assert.Empty((await app.Manager().GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/resellers")).GetProperty("items").EnumerateArray());

        (await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/authorizations", new { partnerId = partner, regions = new[] { "TX" } }))
            .EnsureSuccessStatusCode();

        var again = await app.Events.WaitFor<ResellerAuthorized>(e => e.Authorization.PartnerId == partner && e.Version == 3);
        Assert.True(again.Authorization.Active);
        Assert.Equal(["TX"], again.Authorization.Regions);
        var served = Assert.Single((await app.Manager().GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/resellers")).GetProperty("items").EnumerateArray());
        Assert.Equal((partner, true), (served.GetProperty("partnerId").GetGuid(), served.GetProperty("active").GetBoolean()));
        Assert.Equal([distributor], (await app.Partner(partner).GetFromJsonAsync<JsonElement>("/api/distributors")).GetProperty("items").EnumerateArray()
            .Select(d => d.GetProperty("id").GetGuid()));
        // And it can report the reseller's sales again.
        var n = $"POS-{Guid.NewGuid():N}"[..16];
        var upload = await app.Upload(app.Distributor(distributor), distributor, DistributorsApp.Csv(DistributorsApp.Header,
            DistributorsApp.Row(n, partner, 1).Replace("acme-clinics.example,US,CA,", "acme-clinics.example,US,TX,")));
        Assert.Equal(1, (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("acceptedLines").GetInt32());
    }

    [Theory]
    [InlineData("suspended")]
    [InlineData("terminated")]
    public async Task A_partners_suspension_or_termination_ends_its_authorizations(string status)
    {
        var first = await app.Onboard();
        var second = await app.Onboard();
        var partner = await app.AuthorizedReseller(first);
        (await app.Manager().PostAsJsonAsync($"/api/distributors/{second}/authorizations", new { partnerId = partner, regions = new[] { "WA" } })).EnsureSuccessStatusCode();

        object ended = status == "suspended"
            ? new PartnerSuspended { PartnerId = partner, Version = 100, OccurredAt = DateTimeOffset.UtcNow, Reason = "audit", Actor = "m", Partner = States.Partner(status) }
            : new PartnerTerminated { PartnerId = partner, Version = 100, OccurredAt = DateTimeOffset.UtcNow, Reason = "ended", Actor = "m", Partner = States.Partner(status) };
        await (status == "suspended" ? app.Events.Publish((PartnerSuspended)ended) : app.Events.Publish((PartnerTerminated)ended));

        var revocations = await app.Events.WaitForCount(e => e.Message is ResellerAuthorizationRevoked r && r.Authorization.PartnerId == partner, 2);
        Assert.Equal([first, second], revocations.Select(r => ((ResellerAuthorizationRevoked)r.Message).Authorization.DistributorId).Order());
        Assert.All(revocations, r => Assert.StartsWith($"partner {status}", ((ResellerAuthorizationRevoked)r.Message).Reason));
        Assert.Equal(0L, await app.Db.Scalar<long>("select count(*) from authorizations where partner_id = @partner and active", new { partner }));
    }

    [Fact]
    public async Task A_partner_on_hold_has_its_authorizations_paused_and_given_back_as_they_were_when_the_hold_is_cleared()
    {
        var first = await app.Onboard();
        var second = await app.Onboard();
        var partner = await app.AuthorizedReseller(first, "CA", "OR");
        (await app.Manager().PostAsJsonAsync($"/api/distributors/{second}/authorizations", new { partnerId = partner, regions = new[] { "WA" } })).EnsureSuccessStatusCode();
        // A third distributor's authorization a manager revoked before the hold: the hold has nothing to give back there.
        var third = await app.Onboard();
        (await app.Manager().PostAsJsonAsync($"/api/distributors/{third}/authorizations", new { partnerId = partner, regions = new[] { "TX" } })).EnsureSuccessStatusCode();
        (await app.Manager().PostAsJsonAsync($"/api/distributors/{third}/authorizations/{partner}/revoke", new { reason = "no longer stocks the line" })).EnsureSuccessStatusCode();

        await app.Events.Publish(new PartnerPlacedOnHold
        {
            PartnerId = partner,
            Version = 100,
            OccurredAt = DateTimeOffset.UtcNow,
            Reason = "screening-list match",
            Actor = "compliance",
            Partner = States.Partner(PartnerStatus.OnHold, activeSince: 1)
        });
        await app.WaitUntil($"select count(*) from authorizations where partner_id = '{partner}' and paused_by_hold", 2);
        Assert.Equal(0L, await app.Db.Scalar<long>("select count(*) from authorizations where partner_id = @partner and active", new { partner }));
        var upload = await app.Upload(app.Distributor(first), first, DistributorsApp.Csv(DistributorsApp.Header, DistributorsApp.Row(Guid.NewGuid().ToString("N")[..8], partner, 1)));
        Assert.Equal(0, (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("acceptedLines").GetInt32());

        // Compliance clears it: the partner is active again (its active span goes on), and so are the two it paused.
        await app.Events.Publish(new PartnerHoldCleared
        {
            PartnerId = partner,
            Version = 101,
            OccurredAt = DateTimeOffset.UtcNow,
            Reason = "Cleared by a compliance officer",
            Actor = "compliance",
            Partner = States.Partner(PartnerStatus.Active, activeSince: 1)
        });
        var restored = await app.Events.WaitForCount(e => e.Message is ResellerAuthorized r && r.Authorization.PartnerId == partner && r.Actor == "system", 2);
        Assert.Equal([(first, "CA,OR"), (second, "WA")], restored.Select(r => ((ResellerAuthorized)r.Message).Authorization)
            .Select(a => (a.DistributorId, string.Join(',', a.Regions))).OrderBy(a => a.DistributorId == first ? 0 : 1));
        Assert.Equal(2L, await app.Db.Scalar<long>("select count(*) from authorizations where partner_id = @partner and active and not paused_by_hold", new { partner }));
        Assert.False(await app.Db.Scalar<bool>("select active from authorizations where partner_id = @partner and distributor_id = @third", new { partner, third }));
    }

    [Fact]
    public async Task A_stale_suspension_arriving_after_reinstatement_leaves_new_authorizations_alone()
    {
        var distributor = await app.Onboard();
        var partner = await app.AuthorizedReseller(distributor); // the copy is at a newer version than the stale event
        var stale = Guid.NewGuid();

        await app.Events.Publish(new PartnerSuspended
        {
            PartnerId = partner,
            Version = 1,
            OccurredAt = DateTimeOffset.UtcNow.AddDays(-3),
            Reason = "old",
            Actor = "m",
            Partner = States.Partner(PartnerStatus.Suspended),
        }, stale);
        await app.WaitUntil($"select count(*) from inbox where message_id = '{stale}'");

        Assert.Equal(1L, await app.Db.Scalar<long>("select count(*) from authorizations where partner_id = @partner and active", new { partner }));
    }

    [Fact]
    public async Task Only_staff_and_the_partner_see_a_partners_distributors()
    {
        var distributor = await app.Onboard();
        var partner = await app.AuthorizedReseller(distributor);

        await (await app.Partner(Guid.NewGuid()).GetAsync($"/api/distributors/partners/{partner}")).AssertProblem(HttpStatusCode.NotFound);
        await (await app.Distributor(Guid.NewGuid()).GetAsync($"/api/distributors/{distributor}/resellers")).AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await app.Distributor(distributor).GetAsync($"/api/distributors/{distributor}/resellers")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Distributor(distributor).PostAsJsonAsync($"/api/distributors/{distributor}/authorizations",
            new { partnerId = Guid.NewGuid(), regions = new[] { "CA" } })).StatusCode);
    }
}

/// <summary>A channel manager suspends, reinstates or terminates a distributor; what it may do follows its status.</summary>
public sealed class SuspendingDistributors(DistributorsApp app) : IClassFixture<DistributorsApp>
{
    [Fact]
    public async Task A_suspended_distributor_reports_nothing_and_gets_no_authorization_until_it_is_reinstated()
    {
        var distributor = await app.Onboard(regions: ["CA", "OR"]);
        var reseller = await app.AuthorizedReseller(distributor, "CA");
        var another = await app.PartnerWithStatus("active");
        var report = DistributorsApp.Csv(DistributorsApp.Header, DistributorsApp.Row($"SUSP-{Guid.NewGuid():N}"[..14], reseller, 1));

        var missing = await (await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/suspend", new { })).AssertProblem(HttpStatusCode.BadRequest);
        Assert.True(missing.GetProperty("errors").TryGetProperty("reason", out _));
        var suspended = await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/suspend", new { reason = "Agreement lapsed." });
        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        Assert.Equal("suspended", (await suspended.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var changed = await app.Events.WaitFor<DistributorStatusChanged>(e => e.DistributorId == distributor);
        Assert.Equal(("suspended", "active", "Agreement lapsed."), (changed.Distributor.Status, changed.PreviousStatus, changed.Reason));

        await (await app.Upload(app.Distributor(distributor), distributor, report)).AssertProblem(HttpStatusCode.Conflict);
        await (await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/authorizations", new { partnerId = another, regions = new[] { "CA" } }))
            .AssertProblem(HttpStatusCode.Conflict);
        await (await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/suspend", new { reason = "Again." })).AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal(0L, await app.Db.Scalar<long>("select count(*) from reports where distributor_id = @distributor", new { distributor }));

        (await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/reinstate", new { })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Created, (await app.Upload(app.Distributor(distributor), distributor, report)).StatusCode);
        Assert.Equal("active", (await app.Manager().GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_terminated_distributor_stays_terminated_and_its_authorizations_end()
    {
        var distributor = await app.Onboard(regions: ["CA"]);
        var reseller = await app.AuthorizedReseller(distributor, "CA");

        (await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/terminate", new { reason = "Ceased trading." })).EnsureSuccessStatusCode();

        var revoked = await app.Events.WaitFor<ResellerAuthorizationRevoked>(e => e.Authorization.DistributorId == distributor && e.Authorization.PartnerId == reseller);
        Assert.False(revoked.Authorization.Active);
        await (await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/reinstate", new { })).AssertProblem(HttpStatusCode.Conflict);
        await (await app.Distributor(distributor).PostAsJsonAsync($"/api/distributors/{distributor}/suspend", new { reason = "Mine." }))
            .AssertProblem(HttpStatusCode.Forbidden);
        await (await app.Manager().PostAsJsonAsync($"/api/distributors/{Guid.NewGuid()}/suspend", new { reason = "Nobody." })).AssertProblem(HttpStatusCode.NotFound);
    }
}
