using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Deals;
using Channel.Testing;
using Dapper;

namespace Channel.Deals.Tests;

public sealed class DecidingOnDeals(DealsApp app) : IClassFixture<DealsApp>
{
    [Fact]
    public async Task Approval_starts_a_ninety_day_protection_period()
    {
        var partner = await app.ActivePartner();
        var id = await app.RegisterFor(partner);
        await app.Cleared(id);

        var response = await app.Manager().PostAsync($"/api/deals/{id}/approve", null);

        response.EnsureSuccessStatusCode();
        var deal = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("approved", deal.GetProperty("status").GetString());
        Assert.Equal(app.Clock.GetUtcNow().AddDays(90), deal.GetProperty("protectionEndsAt").GetDateTimeOffset());
        var approved = await app.Events.WaitFor<DealApproved>(e => e.DealId == id);
        Assert.Equal(3, approved.Version); // registered, screened, approved
        Assert.Equal("test-channel-manager", approved.Actor);
    }

    [Fact]
    public async Task A_registration_is_not_approved_while_its_screening_is_pending()
    {
        var id = await app.RegisterFor(await app.ActivePartner());

        var refused = await app.Manager().PostAsync($"/api/deals/{id}/approve", null);

        var problem = await refused.AssertProblem(HttpStatusCode.Conflict);
        Assert.Contains("screening has not finished", problem.GetProperty("detail").GetString());
        Assert.Equal(("submitted", "pending"), await app.StatusAndScreening(id));
        await app.Cleared(id);
        (await app.Manager().PostAsync($"/api/deals/{id}/approve", null)).EnsureSuccessStatusCode();
        var approved = await app.Events.WaitFor<DealApproved>(e => e.DealId == id);
        Assert.Equal("clear", approved.Deal.Screening);
        Assert.Equal("test-channel-manager", approved.Actor);
    }

    [Fact]
    public async Task Approving_a_second_registration_for_an_approved_opportunity_is_refused()
    {
        var first = await app.ActivePartner();
        var second = await app.ActivePartner();
        var winner = await app.ApprovedDealFor(first, "Tailspin Toys GmbH");
        var loser = await app.RegisterFor(second, "Tailspin Toys AG");
        await app.Cleared(loser);

        var response = await app.Manager().PostAsync($"/api/deals/{loser}/approve", null);

        var problem = await response.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal("submitted", problem.GetProperty("currentStatus").GetString());
        Assert.Equal(winner, problem.GetProperty("conflicts")[0].GetProperty("otherDealId").GetGuid());
        Assert.Equal("submitted", await app.StatusOf(loser));
        Assert.Equal(1L, await app.Db.Scalar<long>("select count(*) from deals where customer_key = 'tailspin toys' and status = 'approved'"));
    }

    [Fact]
    public async Task Two_managers_approving_both_sides_of_a_conflict_at_once_approve_only_one()
    {
        var first = await app.ActivePartner();
        var second = await app.ActivePartner();
        var a = await app.RegisterFor(first, "Wide World Importers");
        var b = await app.RegisterFor(second, "Wide World Importers Ltd");
        await Task.WhenAll(app.Cleared(a), app.Cleared(b));

        var responses = await Task.WhenAll(app.Manager().PostAsync($"/api/deals/{a}/approve", null), app.Manager().PostAsync($"/api/deals/{b}/approve", null));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
        Assert.Equal(1L, await app.Db.Scalar<long>("select count(*) from deals where customer_key = 'wide world importers' and status = 'approved'"));
    }

    [Fact]
    public async Task Rejecting_needs_a_reason()
    {
        var id = await app.RegisterFor(await app.ActivePartner());

        await (await app.Manager().PostAsJsonAsync($"/api/deals/{id}/reject", new { })).AssertBadRequest("reason");
        (await app.Manager().PostAsJsonAsync($"/api/deals/{id}/reject", new { reason = "Customer already served directly." })).EnsureSuccessStatusCode();

        Assert.Equal("rejected", await app.StatusOf(id));
        Assert.Equal("Customer already served directly.", (await app.Events.WaitFor<DealRejected>(e => e.DealId == id)).Reason);
    }

    [Fact]
    public async Task A_returned_deal_is_edited_and_resubmitted_by_its_partner_then_approved()
    {
        var partner = await app.ActivePartner();
        var id = await app.RegisterFor(partner, "Adventure Works");
        await app.Cleared(id);
        (await app.Manager().PostAsJsonAsync($"/api/deals/{id}/return", new { reason = "Which campuses? Add the wireless lines." })).EnsureSuccessStatusCode();
        Assert.Equal("returned", await app.StatusOf(id));

        var edited = await app.Partner(partner).PutAsJsonAsync($"/api/deals/{id}",
            app.Registration("Adventure Works Cycles", products: [("switching", 40_000m), ("WL-AP9-I", 25_000m)]));
        edited.EnsureSuccessStatusCode();
        var resubmitted = await app.Partner(partner).PostAsync($"/api/deals/{id}/resubmit", null);
        resubmitted.EnsureSuccessStatusCode();

        var deal = (await app.Get(id)).GetProperty("deal");
        Assert.Equal("submitted", deal.GetProperty("status").GetString());
        Assert.Equal("Adventure Works Cycles", deal.GetProperty("customerName").GetString());
        Assert.Equal(65_000m, deal.GetProperty("totalValue").GetDecimal());
        var again = await app.Events.WaitFor<DealResubmitted>(e => e.DealId == id);
        Assert.Equal(["switching", "wireless"], again.Deal.ProductFamilies);
        // What changed is screened again before anyone may approve it.
        Assert.Equal("pending", again.Deal.Screening);
        Assert.Equal(HttpStatusCode.Conflict, (await app.Manager().PostAsync($"/api/deals/{id}/approve", null)).StatusCode);
        await app.Cleared(id, sequence: 2);
        (await app.Manager().PostAsync($"/api/deals/{id}/approve", null)).EnsureSuccessStatusCode();
        var history = (await app.Get(id)).GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString());
        Assert.Equal(["registered", "screened", "returned", "edited", "resubmitted", "screened", "approved"], history);
    }

    [Fact]
    public async Task A_screening_of_the_content_before_a_resubmission_is_turned_away()
    {
        var partner = await app.ActivePartner();
        var id = await app.RegisterFor(partner, "Fabrikam Shipping");
        // Returned before Compliance answered; edited and resubmitted: the first screening is of content that no longer exists.
        (await app.Manager().PostAsJsonAsync($"/api/deals/{id}/return", new { reason = "Which sites?" })).EnsureSuccessStatusCode();
        (await app.Partner(partner).PutAsJsonAsync($"/api/deals/{id}", app.Registration("Fabrikam Shipping Ltd"))).EnsureSuccessStatusCode();
        (await app.Partner(partner).PostAsync($"/api/deals/{id}/resubmit", null)).EnsureSuccessStatusCode();

        await app.Screen(id, 1, "clear", "Screened clear", applied: false, subjectVersion: 1);

        Assert.Equal(("submitted", "pending"), await app.StatusAndScreening(id));
        Assert.Equal(HttpStatusCode.Conflict, (await app.Manager().PostAsync($"/api/deals/{id}/approve", null)).StatusCode);
        await app.Cleared(id, sequence: 2);
        Assert.Equal(("submitted", "clear"), await app.StatusAndScreening(id));
    }

    [Fact]
    public async Task Only_a_returned_deal_can_be_edited_or_resubmitted()
    {
        var partner = await app.ActivePartner();
        var id = await app.RegisterFor(partner);

        var edit = await app.Partner(partner).PutAsJsonAsync($"/api/deals/{id}", app.Registration("Changed"));
        var resubmit = await app.Partner(partner).PostAsync($"/api/deals/{id}/resubmit", null);

        Assert.Equal("submitted", (await edit.AssertProblem(HttpStatusCode.Conflict)).GetProperty("currentStatus").GetString());
        Assert.Equal("submitted", (await resubmit.AssertProblem(HttpStatusCode.Conflict)).GetProperty("currentStatus").GetString());
    }

    [Theory]
    [InlineData("approve")]
    [InlineData("reject")]
    [InlineData("return")]
    public async Task Decisions_on_a_decided_deal_are_conflicts(string action)
    {
        var id = await app.ApprovedDealFor(await app.ActivePartner());

        var response = await app.Manager().PostAsJsonAsync($"/api/deals/{id}/{action}", new { reason = "again" });

        Assert.Equal("approved", (await response.AssertProblem(HttpStatusCode.Conflict)).GetProperty("currentStatus").GetString());
    }

    [Fact]
    public async Task Deciding_on_a_deal_that_does_not_exist_is_404()
    {
        await (await app.Manager().PostAsync($"/api/deals/{Guid.NewGuid()}/approve", null)).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_queue_lists_waiting_deals_oldest_first()
    {
        var partner = await app.ActivePartner();
        var older = await app.RegisterFor(partner);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var newer = await app.RegisterFor(partner);
        var decided = await app.ApprovedDealFor(partner);

        var queue = (await app.Manager().GetFromJsonAsync<JsonElement>("/api/deals/queue")).GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()).ToList();

        // Both there (IndexOf would be -1 for a missing one), the older first.
        Assert.Equal([older, newer], queue.Where(id => id == older || id == newer));
        Assert.DoesNotContain(decided, queue);
    }
}

public sealed class ClosingDeals(DealsApp app) : IClassFixture<DealsApp>
{
    [Fact]
    public async Task The_partner_closes_an_approved_deal_as_won_with_the_actual_amount()
    {
        var partner = await app.ActivePartner();
        var id = await app.ApprovedDealFor(partner);

        await (await app.Partner(partner).PostAsJsonAsync($"/api/deals/{id}/won", new { actualAmount = 0 })).AssertBadRequest("actualAmount");
        (await app.Partner(partner).PostAsJsonAsync($"/api/deals/{id}/won", new { actualAmount = 47_250.50m })).EnsureSuccessStatusCode();

        var won = await app.Events.WaitFor<DealWon>(e => e.DealId == id);
        Assert.Equal(47_250.50m, won.Deal.ActualAmount);
        Assert.Equal("registrant", won.Source);
        Assert.Equal("won", await app.StatusOf(id));
    }

    [Fact]
    public async Task The_partner_closes_an_approved_deal_as_lost_with_a_reason()
    {
        var partner = await app.ActivePartner();
        var id = await app.ApprovedDealFor(partner);

        (await app.Partner(partner).PostAsJsonAsync($"/api/deals/{id}/lost", new { reason = "Lost on price to the incumbent." })).EnsureSuccessStatusCode();

        Assert.Equal("Lost on price to the incumbent.", (await app.Events.WaitFor<DealLost>(e => e.DealId == id)).Reason);
        var again = await app.Partner(partner).PostAsJsonAsync($"/api/deals/{id}/won", new { actualAmount = 10 });
        Assert.Equal("lost", (await again.AssertProblem(HttpStatusCode.Conflict)).GetProperty("currentStatus").GetString());
    }

    [Fact]
    public async Task A_deal_not_yet_approved_cannot_be_closed()
    {
        var partner = await app.ActivePartner();
        var id = await app.RegisterFor(partner);

        var response = await app.Partner(partner).PostAsJsonAsync($"/api/deals/{id}/won", new { actualAmount = 10 });

        Assert.Equal("submitted", (await response.AssertProblem(HttpStatusCode.Conflict)).GetProperty("currentStatus").GetString());
    }

    [Fact]
    public async Task One_extension_is_requested_by_the_partner_and_granted_by_a_manager()
    {
        var partner = await app.ActivePartner();
        var id = await app.ApprovedDealFor(partner);
        var ends = (await app.Get(id)).GetProperty("deal").GetProperty("protectionEndsAt").GetDateTimeOffset();

        var notRequested = await app.Manager().PostAsync($"/api/deals/{id}/extension", null);
        await notRequested.AssertProblem(HttpStatusCode.Conflict);

        (await app.Partner(partner).PostAsJsonAsync($"/api/deals/{id}/extension-request", new { reason = "Board vote moved to Q2." })).EnsureSuccessStatusCode();
        var twice = await app.Partner(partner).PostAsJsonAsync($"/api/deals/{id}/extension-request", new { reason = "again" });
        await twice.AssertProblem(HttpStatusCode.Conflict);
        (await app.Manager().PostAsync($"/api/deals/{id}/extension", null)).EnsureSuccessStatusCode();

        var extended = await app.Events.WaitFor<DealExtended>(e => e.DealId == id);
        Assert.Equal(ends.AddDays(90), extended.Deal.ProtectionEndsAt);
        var beyond = await app.Partner(partner).PostAsJsonAsync($"/api/deals/{id}/extension-request", new { reason = "more" });
        Assert.Contains("1 of 1", (await beyond.AssertProblem(HttpStatusCode.Conflict)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_extension_is_asked_for_only_before_protection_ends()
    {
        var partner = await app.ActivePartner();
        var id = await app.ApprovedDealFor(partner);
        // Its protection ended a minute ago, and the expiry timer has not run (the test's clock stands still): the rule alone refuses.
        await using (var conn = await app.Db.Open())
            await conn.ExecuteAsync("update deals set protection_ends_at = @At where id = @Id", new { At = app.Clock.GetUtcNow().AddMinutes(-1), Id = id });

        var late = await app.Partner(partner).PostAsJsonAsync($"/api/deals/{id}/extension-request", new { reason = "The board met late." });

        var problem = await late.AssertProblem(HttpStatusCode.Conflict);
        Assert.Contains("protection has already ended", problem.GetProperty("detail").GetString());
        var deal = (await app.Get(id)).GetProperty("deal");
        Assert.Equal("approved", deal.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, deal.GetProperty("extensionRequestedAt").ValueKind);
    }

    [Fact]
    public async Task A_partner_cannot_grant_its_own_extension()
    {
        var partner = await app.ActivePartner();
        var id = await app.ApprovedDealFor(partner);
        (await app.Partner(partner).PostAsJsonAsync($"/api/deals/{id}/extension-request", new { reason = "please" })).EnsureSuccessStatusCode();

        var response = await app.Partner(partner).PostAsync($"/api/deals/{id}/extension", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task An_approved_deal_compliance_holds_stays_approved_without_extensions_and_is_rejected_when_compliance_refuses_it()
    {
        var partner = await app.ActivePartner();
        var id = await app.ApprovedDealFor(partner);
        var other = await app.ApprovedDealFor(partner); // cleared again after its review: the control

        // A list change after approval: held for review (its PA is suspended in Pricing), still approved, no extension meanwhile.
        await app.Screen(id, 2, "review", "Held for compliance review: a possible screening-list match");
        await app.Screen(other, 2, "review", "Held for compliance review: a possible screening-list match");
        Assert.Equal(("approved", "review"), await app.StatusAndScreening(id));
        var ask = await app.Partner(partner).PostAsJsonAsync($"/api/deals/{id}/extension-request", new { reason = "Board vote moved to Q2." });
        Assert.Contains("compliance review", (await ask.AssertProblem(HttpStatusCode.Conflict)).GetProperty("detail").GetString());

        await app.Screen(other, 3, "clear", "Cleared by a compliance officer");
        (await app.Partner(partner).PostAsJsonAsync($"/api/deals/{other}/extension-request", new { reason = "Board vote moved to Q2." })).EnsureSuccessStatusCode();

        await app.Screen(id, 3, "block", "Refused by a compliance officer: the customer is a listed party", citation: "15 CFR 744.11");
        var refused = (await app.Get(id)).GetProperty("deal");
        Assert.Equal(("rejected", "block"), (refused.GetProperty("status").GetString(), refused.GetProperty("screening").GetString()));
        Assert.Equal("Refused by a compliance officer: the customer is a listed party", refused.GetProperty("statusReason").GetString());
        Assert.Equal(JsonValueKind.String, refused.GetProperty("closedAt").ValueKind);
        var screened = await app.Events.WaitFor<DealScreened>(e => e.DealId == id && e.Outcome == "block");
        Assert.Equal(DealStatus.Rejected, screened.Deal.Status);
    }
}
