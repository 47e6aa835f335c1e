using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Compliance;
using Channel.Testing;
using static Channel.Distributors.Tests.DistributorsApp;

namespace Channel.Distributors.Tests;

/// <summary>
/// The Compliance service's flags on accepted lines: the sale stands (it is still an accepted line), flagged with a reason,
/// listed on its own; a later clear takes the flag off, and an older decision arriving late changes nothing.
/// </summary>
public sealed class FlaggingSales(DistributorsApp app) : IClassFixture<DistributorsApp>
{
    Task Decide(Guid report, int line, long sequence, string outcome, string reason) =>
        app.Screen(ScreeningSubject.Sale, $"{report}:{line}", sequence, outcome, reason);

    [Fact]
    public async Task A_flagged_line_stays_accepted_and_is_listed_with_its_reason_until_compliance_clears_it()
    {
        var distributor = await app.Onboard();
        var reseller = await app.AuthorizedReseller(distributor);
        var n = $"POS-{Guid.NewGuid():N}"[..16];
        var uploaded = await (await app.Upload(app.Distributor(distributor), distributor,
            Csv([Header, .. Enumerable.Range(1, 4).Select(i => Row(n, reseller, i))]))).Content.ReadFromJsonAsync<JsonElement>();
        var report = uploaded.GetProperty("id").GetGuid();
        var me = app.Distributor(distributor);
        const string Reason = "Held for compliance review: a government domain (psnf.navy.mil) on a customer not declared public sector";

        await Decide(report, 3, 1, ScreeningOutcome.Review, Reason);
        await Decide(report, 4, 1, ScreeningOutcome.Review, Reason);

        var flagged = await me.GetFromJsonAsync<JsonElement>($"/api/distributors/reports/{report}/lines?flagged=true");
        Assert.Equal([3, 4], flagged.EnumerateArray().Select(l => l.GetProperty("lineNumber").GetInt32()));
        Assert.Equal(("review", Reason), (flagged[0].GetProperty("complianceFlag").GetString(), flagged[0].GetProperty("complianceReason").GetString()));
        var all = await me.GetFromJsonAsync<JsonElement>($"/api/distributors/reports/{report}/lines");
        Assert.Equal(4, all.GetArrayLength());
        Assert.Equal(JsonValueKind.Null, all[0].GetProperty("complianceFlag").ValueKind);

        await Decide(report, 3, 2, ScreeningOutcome.Clear, "Cleared by a compliance officer");
        await Decide(report, 4, 3, ScreeningOutcome.Block, "Refused by a compliance officer: confirmed");
        await Decide(report, 4, 2, ScreeningOutcome.Clear, "late and older");

        var after = await me.GetFromJsonAsync<JsonElement>($"/api/distributors/reports/{report}/lines?flagged=true");
        var line = Assert.Single(after.EnumerateArray());
        Assert.Equal((4, "block"), (line.GetProperty("lineNumber").GetInt32(), line.GetProperty("complianceFlag").GetString()));
        // Another distributor does not see the report's lines, flagged or not.
        var other = await app.Onboard();
        await (await app.Distributor(other).GetAsync($"/api/distributors/reports/{report}/lines?flagged=true")).AssertProblem(System.Net.HttpStatusCode.NotFound);
    }
}

/// <summary>A distributor compliance holds is suspended until compliance clears it; a manager cannot reinstate it before.</summary>
public sealed class ScreeningDistributors(DistributorsApp app) : IClassFixture<DistributorsApp>
{
    [Fact]
    public async Task A_compliance_hold_suspends_an_active_distributor_and_only_compliance_clearing_it_reinstates_it()
    {
        var distributor = await app.Onboard();
        const string Reason = "Held for compliance review: a possible screening-list match";

        await app.Screen(ScreeningSubject.Distributor, distributor.ToString(), 1, ScreeningOutcome.Review, Reason);

        var held = await app.Manager().GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}");
        Assert.Equal(("suspended", "review", Reason),
            (held.GetProperty("status").GetString(), held.GetProperty("screening").GetString(), held.GetProperty("screeningReason").GetString()));
        var changed = await app.Events.WaitFor<Channel.Contracts.Distributors.DistributorStatusChanged>(e => e.DistributorId == distributor);
        Assert.Equal(("compliance", "suspended"), (changed.Actor, changed.Distributor.Status));
        var refused = await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/reinstate", new { reason = "Looks fine." });
        Assert.Contains("compliance officer", (await refused.AssertProblem(System.Net.HttpStatusCode.Conflict)).GetProperty("detail").GetString());

        await app.Screen(ScreeningSubject.Distributor, distributor.ToString(), 2, ScreeningOutcome.Clear, "Cleared by a compliance officer");

        var cleared = await app.Manager().GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}");
        Assert.Equal(("active", "clear"), (cleared.GetProperty("status").GetString(), cleared.GetProperty("screening").GetString()));
    }

    [Fact]
    public async Task A_distributor_a_manager_suspended_stays_suspended_when_compliance_clears_it()
    {
        var distributor = await app.Onboard();
        (await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/suspend", new { reason = "Lapsed agreement." })).EnsureSuccessStatusCode();

        await app.Screen(ScreeningSubject.Distributor, distributor.ToString(), 1, ScreeningOutcome.Review, "Held for compliance review");
        await app.Screen(ScreeningSubject.Distributor, distributor.ToString(), 2, ScreeningOutcome.Clear, "Cleared by a compliance officer");

        var after = await app.Manager().GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}");
        Assert.Equal(("suspended", "Lapsed agreement."), (after.GetProperty("status").GetString(), after.GetProperty("statusReason").GetString()));
    }
}
