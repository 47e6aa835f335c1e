using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Deals;
using Channel.Testing;

namespace Channel.Deals.Tests;

public sealed class RegisteringADeal(DealsApp app) : IClassFixture<DealsApp>
{
    [Fact]
    public async Task A_partner_registers_a_deal_that_waits_for_approval_with_a_two_business_day_sla()
    {
        var partner = await app.ActivePartner();

        var deal = await app.Register(app.Partner(partner), app.Registration("Mercy General Hospital", "mercygeneral.example",
            sector: "healthcare", products: [("SW-4800-48P", 120_000m), ("wireless", 30_000m)]));

        var id = deal.GetProperty("id").GetGuid();
        Assert.Equal("submitted", deal.GetProperty("status").GetString());
        Assert.Equal(partner, deal.GetProperty("partnerId").GetGuid());
        Assert.Equal(150_000m, deal.GetProperty("totalValue").GetDecimal());
        Assert.Equal(["switching", "wireless"], deal.GetProperty("productFamilies").EnumerateArray().Select(f => f.GetString()));
        // Wednesday 15:00 + 2 business days = Friday 15:00.
        Assert.Equal(DealsApp.Start.AddDays(2), deal.GetProperty("slaDueAt").GetDateTimeOffset());
        var registered = await app.Events.WaitFor<DealRegistered>(e => e.DealId == id);
        Assert.Equal(1, registered.Version);
        Assert.Equal("submitted", registered.Deal.Status);
        Assert.Equal("Mercy General Hospital", registered.Deal.CustomerName);
        var lines = (await app.Get(id)).GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal("SW-4800-48P", lines[0].GetProperty("sku").GetString());
        Assert.Equal("switching", lines[0].GetProperty("productFamily").GetString());
    }

    [Fact]
    public async Task Conflicting_registration_is_flagged_with_its_evidence()
    {
        var first = await app.ActivePartner();
        var second = await app.ActivePartner();
        var earlier = await app.RegisterFor(first, "Northwind Health Systems, Inc.", ("switching", 80_000m), ("routing", 20_000m));

        var later = (await app.Register(app.Partner(second), app.Registration("NORTHWIND HEALTH SYSTEMS LLC",
            products: [("SW-9300-24", 40_000m), ("wireless", 10_000m)]))).GetProperty("id").GetGuid();

        var registered = await app.Events.WaitFor<DealRegistered>(e => e.DealId == later);
        Assert.Equal(1, registered.ConflictCount);
        var conflict = Assert.Single((await app.Get(later)).GetProperty("conflicts").EnumerateArray());
        Assert.Equal(earlier, conflict.GetProperty("otherDealId").GetGuid());
        Assert.Equal(first, conflict.GetProperty("otherPartnerId").GetGuid());
        Assert.Equal("customer_name", conflict.GetProperty("rule").GetString());
        Assert.Equal(["switching"], conflict.GetProperty("sharedFamilies").EnumerateArray().Select(f => f.GetString()));
        // The earlier registration shows the evidence too.
        Assert.Equal(later, Assert.Single((await app.Get(earlier)).GetProperty("conflicts").EnumerateArray()).GetProperty("otherDealId").GetGuid());
    }

    [Fact]
    public async Task The_same_customer_domain_under_another_name_is_a_conflict()
    {
        var first = await app.ActivePartner();
        var second = await app.ActivePartner();
        await app.Register(app.Partner(first), app.Registration("Contoso Pharmaceuticals", "contoso-pharma.example"));

        var later = (await app.Register(app.Partner(second), app.Registration("Contoso Pharma Holdings EMEA", "www.contoso-pharma.example")))
            .GetProperty("id").GetGuid();

        Assert.Equal("customer_domain", Assert.Single((await app.Get(later)).GetProperty("conflicts").EnumerateArray()).GetProperty("rule").GetString());
    }

    [Fact]
    public async Task No_conflict_without_a_shared_product_family()
    {
        var first = await app.ActivePartner();
        var second = await app.ActivePartner();
        await app.RegisterFor(first, "Fabrikam Logistics", ("switching", 10_000m));

        var otherFamily = await app.Register(app.Partner(second), app.Registration("Fabrikam Logistics", products: [("security", 10_000m)]));

        Assert.Empty((await app.Get(otherFamily.GetProperty("id").GetGuid())).GetProperty("conflicts").EnumerateArray());
        Assert.Empty(otherFamily.GetProperty("possibleDuplicates").EnumerateArray());
    }

    [Fact]
    public async Task The_partners_own_second_registration_of_an_opportunity_is_a_possible_duplicate_and_only_one_is_approved()
    {
        var partner = await app.ActivePartner();
        var customer = $"Wingtip Freight {Guid.NewGuid():N}"[..24];
        var first = await app.RegisterFor(partner, customer, ("switching", 10_000m));

        var again = await app.Register(app.Partner(partner), app.Registration($"{customer.ToUpperInvariant()}, Inc.", products: [("SW-9300-48P", 5_000m)]));

        var told = again.GetProperty("possibleDuplicates").EnumerateArray().Single();
        Assert.Equal(first, told.GetProperty("dealId").GetGuid());
        Assert.Equal("customer_name", told.GetProperty("rule").GetString());
        Assert.Equal(["switching"], told.GetProperty("sharedFamilies").EnumerateArray().Select(f => f.GetString()));
        var secondId = again.GetProperty("id").GetGuid();
        var evidence = (await app.Get(secondId)).GetProperty("conflicts").EnumerateArray().Single();
        Assert.Equal(first, evidence.GetProperty("otherDealId").GetGuid());
        Assert.Equal(partner, evidence.GetProperty("otherPartnerId").GetGuid());

        await Task.WhenAll(app.Cleared(first), app.Cleared(secondId));
        (await app.Manager().PostAsync($"/api/deals/{first}/approve", null)).EnsureSuccessStatusCode();
        var refused = await app.Manager().PostAsync($"/api/deals/{secondId}/approve", null);
        Assert.Equal(first, (await refused.AssertProblem(HttpStatusCode.Conflict)).GetProperty("conflicts")[0].GetProperty("otherDealId").GetGuid());
        Assert.Equal("submitted", await app.StatusOf(secondId));
    }

    [Theory]
    [InlineData("suspended")]
    [InlineData("applied")]
    [InlineData("terminated")]
    public async Task Only_an_active_partner_may_register(string status)
    {
        var partner = await app.PartnerWithStatus(status);

        var response = await app.Partner(partner).PostAsJsonAsync("/api/deals", app.Registration("Any Customer"));

        var problem = await response.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal(status, problem.GetProperty("partnerStatus").GetString());
        Assert.Equal(0L, await app.Db.Scalar<long>("select count(*) from deals where partner_id = @partner", new { partner }));
    }

    [Fact]
    public async Task A_partner_the_service_has_never_heard_of_may_not_register()
    {
        var response = await app.Partner(Guid.NewGuid()).PostAsJsonAsync("/api/deals", app.Registration("Any Customer"));

        await response.AssertProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_partner_registers_only_for_itself()
    {
        var mine = await app.ActivePartner();
        var theirs = await app.ActivePartner();

        var response = await app.Partner(mine).PostAsJsonAsync("/api/deals", app.Registration("Any Customer", partnerId: theirs));

        await response.AssertBadRequest("partnerId");
    }

    [Fact]
    public async Task A_distributor_registers_for_a_reseller_it_serves_in_the_customers_region()
    {
        var reseller = await app.ActivePartner();
        var distributor = Guid.NewGuid();
        await app.Authorize(distributor, reseller, "CA", "OR");

        var deal = await app.Register(app.Distributor(distributor), app.Registration("Redwood School District", region: "OR",
            sector: "education", partnerId: reseller));

        Assert.Equal(reseller, deal.GetProperty("partnerId").GetGuid());
        Assert.Equal(distributor, deal.GetProperty("distributorId").GetGuid());

        var elsewhere = await app.Distributor(distributor).PostAsJsonAsync("/api/deals",
            app.Registration("Lone Star Clinics", region: "TX", partnerId: reseller));
        await elsewhere.AssertProblem(HttpStatusCode.Forbidden);

        var stranger = await app.Distributor(Guid.NewGuid()).PostAsJsonAsync("/api/deals",
            app.Registration("Redwood School District", region: "OR", partnerId: reseller));
        await stranger.AssertProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_rules_of_registration_hold_again_when_a_returned_deal_is_edited_and_resubmitted()
    {
        var reseller = await app.ActivePartner();
        var distributor = Guid.NewGuid();
        await app.Authorize(distributor, reseller, "CA");
        var deal = (await app.Register(app.Distributor(distributor), app.Registration("Golden Gate Clinics", region: "CA", partnerId: reseller)))
            .GetProperty("id").GetGuid();
        (await app.Manager().PostAsJsonAsync($"/api/deals/{deal}/return", new { reason = "Which campus?" })).EnsureSuccessStatusCode();

        // Moved to a region this distributor may not serve the reseller in: refused, nothing changes.
        var edited = await app.Distributor(distributor).PutAsJsonAsync($"/api/deals/{deal}",
            app.Registration("Golden Gate Clinics", region: "TX", partnerId: reseller));
        await edited.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal("CA", (await app.Get(deal)).GetProperty("deal").GetProperty("customerRegion").GetString());

        // The reseller suspended since: the returned deal cannot be resubmitted.
        await app.PartnerWithStatus("suspended", reseller);
        await (await app.Distributor(distributor).PostAsync($"/api/deals/{deal}/resubmit", null)).AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal("returned", await app.StatusOf(deal));
    }

    [Fact]
    public async Task A_registration_waits_for_compliance_then_a_hold_sends_it_to_compliance_review_where_it_cannot_be_approved_until_cleared()
    {
        var partner = await app.ActivePartner();
        var deal = await app.Register(app.Partner(partner), app.Registration("Harbour Star Shipping (US) Inc."));
        var id = deal.GetProperty("id").GetGuid();
        Assert.Equal(("submitted", "pending"), (deal.GetProperty("status").GetString(), deal.GetProperty("screening").GetString()));

        await app.Screen(id, 1, "review", "Held for compliance review: a possible screening-list match");
        var held = (await app.Get(id)).GetProperty("deal");
        Assert.Equal(("compliance_review", "review"), (held.GetProperty("status").GetString(), held.GetProperty("screening").GetString()));
        Assert.Equal("Held for compliance review: a possible screening-list match", held.GetProperty("complianceReason").GetString());
        var queue = await app.Manager().GetFromJsonAsync<JsonElement>("/api/deals/queue?queue=compliance&pageSize=500");
        Assert.Contains(id, queue.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()));
        await (await app.Manager().PostAsync($"/api/deals/{id}/approve", null)).AssertProblem(HttpStatusCode.Conflict);

        await app.Screen(id, 2, "clear", "Cleared by a compliance officer");
        Assert.Equal(("submitted", "clear"), await app.StatusAndScreening(id));
        (await app.Manager().PostAsync($"/api/deals/{id}/approve", null)).EnsureSuccessStatusCode();
        var screened = await app.Events.WaitFor<DealScreened>(e => e.DealId == id && e.Outcome == "clear");
        Assert.Equal("compliance", screened.Actor);
    }

    [Fact]
    public async Task A_refusal_from_compliance_rejects_the_registration_with_its_citation()
    {
        var partner = await app.ActivePartner();
        var id = (await app.Register(app.Partner(partner), app.Registration("Department of Transportation", type: "federal-agency", attested: true))).GetProperty("id").GetGuid();

        await app.Screen(id, 1, "block", "Refused under NDAA FY2019 §889(a)(1)(A): U.S. executive agencies may not procure covered equipment.",
            "NDAA FY2019 §889(a)(1)(A)");

        var deal = (await app.Get(id)).GetProperty("deal");
        Assert.Equal(("rejected", "block"), (deal.GetProperty("status").GetString(), deal.GetProperty("screening").GetString()));
        Assert.Contains("§889(a)(1)(A)", deal.GetProperty("statusReason").GetString());
        var announced = await app.Events.WaitFor<DealScreened>(e => e.DealId == id);
        Assert.Equal(("block", "NDAA FY2019 §889(a)(1)(A)", "rejected"), (announced.Outcome, announced.Citation, announced.Deal.Status));
    }

    [Fact]
    public async Task An_older_decision_arriving_after_a_newer_one_changes_nothing()
    {
        var partner = await app.ActivePartner();
        var id = await app.RegisterFor(partner);

        await app.Screen(id, 2, "clear", "Screened clear");
        await app.Screen(id, 1, "review", "Held for compliance review under a rule", applied: false);

        Assert.Equal(("submitted", "clear"), await app.StatusAndScreening(id));
        Assert.Equal(2, await app.Db.Scalar<long>("select screening_sequence from deals where id = @id", new { id }));
    }

    [Fact]
    public async Task A_public_sector_registration_keeps_the_customer_type_funding_and_attestation_it_was_made_with()
    {
        var partner = await app.ActivePartner();
        var deal = await app.Register(app.Partner(partner),
            app.Registration("Lincoln Unified School District", type: "usf-recipient", funding: "usf-e-rate", attested: true));

        Assert.Equal(("usf-recipient", "usf-e-rate", "2026-1", "education"), (deal.GetProperty("customerType").GetString(),
            deal.GetProperty("fundingSource").GetString(), deal.GetProperty("attestationVersion").GetString(), deal.GetProperty("customerSector").GetString()));
        var registered = await app.Events.WaitFor<DealRegistered>(e => e.DealId == deal.GetProperty("id").GetGuid());
        Assert.Equal(("usf-recipient", "usf-e-rate", "2026-1", "pending"),
            (registered.Deal.CustomerType, registered.Deal.FundingSource, registered.Deal.AttestationVersion, registered.Deal.Screening));
    }

    [Fact]
    public async Task The_queue_is_split_into_normal_and_compliance_review()
    {
        var partner = await app.ActivePartner();
        var normal = (await app.Register(app.Partner(partner), app.Registration($"Harbor Dental {Guid.NewGuid():N}"))).GetProperty("id").GetGuid();
        var flagged = (await app.Register(app.Partner(partner), app.Registration("Crimson Peak Telecom Holdings (US) Inc."))).GetProperty("id").GetGuid();
        await app.Screen(flagged, 1, "review", "Held for compliance review: a possible screening-list match");

        async Task<List<Guid>> Queue(string query) =>
            [.. (await app.Manager().GetFromJsonAsync<JsonElement>($"/api/deals/queue?pageSize=500{query}")).GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetGuid())];
        var onlyNormal = await Queue("&queue=normal");
        var onlyCompliance = await Queue("&queue=compliance");
        var both = await Queue("");

        Assert.Contains(normal, onlyNormal);
        Assert.DoesNotContain(flagged, onlyNormal);
        Assert.Contains(flagged, onlyCompliance);
        Assert.DoesNotContain(normal, onlyCompliance);
        Assert.Contains(normal, both);
        Assert.Contains(flagged, both);
        await (await app.Manager().GetAsync("/api/deals/queue?queue=urgent")).AssertBadRequest("queue");
    }

    [Fact]
    public async Task The_queue_is_searched_filtered_by_region_and_paged_with_a_total()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var partner = await app.ActivePartner();
        var first = await app.RegisterFor(partner, $"Alder {tag} Clinics");
        var second = (await app.Register(app.Partner(partner), app.Registration($"Birch {tag} Schools", region: "OR"))).GetProperty("id").GetGuid();
        var third = await app.RegisterFor(partner, $"Cedar {tag} Port");
        await app.RegisterFor(partner, $"Decoy {Guid.NewGuid():N} Port"); // the same partner, without the tag

        async Task<JsonElement> Queue(string query) => await app.Manager().GetFromJsonAsync<JsonElement>($"/api/deals/queue?{query}");
        static List<Guid> Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetGuid())];

        Assert.Equal([first, second, third], Ids(await Queue($"q={tag}"))); // oldest first
        Assert.Equal([second], Ids(await Queue($"q={tag}&region=OR")));
        var page2 = await Queue($"q={tag}&pageSize=2&page=2");
        Assert.Equal([third], Ids(page2));
        Assert.Equal(3, page2.GetProperty("total").GetInt64());
        await (await app.Manager().GetAsync("/api/deals/queue?pageSize=0")).AssertBadRequest("pageSize");
    }
}
