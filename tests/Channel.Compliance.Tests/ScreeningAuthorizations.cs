using System.Net.Http.Json;
using Channel.Contracts.Compliance;
using Channel.Contracts.Deals;
using Channel.Contracts.Pricing;

namespace Channel.Compliance.Tests;

/// <summary>
/// Price authorizations screened as subjects of their own: the deal's customer with every SKU the PA prices. A family
/// line prices SKUs the registration never named, which a rule on a SKU pattern can cover; what the deal's screening
/// already answered (an officer's clearance, a rule it met) does not hold the PA a second time.
/// </summary>
public sealed class ScreeningAuthorizations(ComplianceApp app) : IClassFixture<ComplianceApp>
{
    /// <summary>Pricing issues a PA for the deal: one family line that prices these SKUs.</summary>
    async Task<Guid> Issued(Guid deal, ComplianceApp.Customer customer, params string[] skus)
    {
        var id = Guid.NewGuid();
        await app.Events.Publish(new PriceAuthorizationIssued
        {
            AuthorizationId = id,
            Version = 1,
            OccurredAt = app.Clock.GetUtcNow(),
            Authorization = new PriceAuthorizationState
            {
                Number = $"PA-2026-{Random.Shared.Next(100_000, 999_999)}",
                DealId = deal,
                PartnerId = Guid.NewGuid(),
                CustomerName = customer.Name,
                CustomerCountry = customer.Country,
                CustomerRegion = customer.Region,
                Status = PriceAuthorizationStatus.Active,
                Revision = 1,
                Tier = "silver",
                ValidFrom = app.Clock.GetUtcNow(),
                ValidUntil = app.Clock.GetUtcNow().AddDays(90),
                Currency = "USD",
                AuthorizedCredit = 1_000m,
                Lines = [new PriceAuthorizationLine
                {
                    LineNo = 1,
                    ProductFamily = customer.Products[0],
                    MaxQuantity = 10,
                    DiscountPercent = 44,
                    Currency = "USD",
                    Prices = [.. skus.Select(s => new AuthorizedPrice { Sku = s, ListPrice = 1_200m, BookCost = 744m, NetCost = 672m })],
                }],
            },
        });
        return id;
    }

    async Task<ScreeningDecided> Decided(Guid pa, Func<ScreeningDecided, bool>? match = null) =>
        await app.Events.WaitFor<ScreeningDecided>(d => d.SubjectKind == ScreeningSubject.PriceAuthorization && d.SubjectId == pa.ToString()
            && (match is null || match(d)));

    [Fact]
    public async Task A_rule_on_a_SKU_pattern_holds_the_authorization_that_prices_it_but_not_the_deal_that_named_only_its_family()
    {
        var school = new ComplianceApp.Customer($"Lakeview County Schools {Guid.NewGuid():N}"[..30], CustomerTypes.StateLocalGovernment,
            FundingSources.StateLocalBudget, Region: "OR", Attestation: ComplianceApp.Attested, Families: ["video"]);
        var (deal, first) = await app.Register(school);
        Assert.Equal(ScreeningOutcome.Clear, first.Outcome);
        await app.Moves(deal, 2, school, DealStatus.Approved, ScreeningOutcome.Clear);
        var pa = await Issued(deal, school, "CAM-2040-D", "CAM-4100-PTZ", "NVR-16");
        Assert.Equal(ScreeningOutcome.Clear, (await Decided(pa)).Outcome);

        // Video surveillance equipment (§889 covers it by name): a SKU pattern, reviewed for state and local government.
        var added = await app.Send(HttpMethod.Post, "/api/compliance/rules", new
        {
            country = "US",
            customerType = CustomerTypes.StateLocalGovernment,
            fundingSource = "*",
            productPattern = "CAM-*",
            action = "review",
            citation = "Demo: state covered-equipment statute (video surveillance)",
            description = "Video surveillance cameras sold to state and local government are reviewed.",
            effectiveFrom = "2026-11-01",
        }, 201);
        var change = added.GetProperty("changeId").GetGuid();

        var held = await Decided(pa, d => d.ChangeId == change);
        Assert.Equal(ScreeningOutcome.Review, held.Outcome);
        Assert.Equal("Demo: state covered-equipment statute (video surveillance)", held.Citation);
        await app.Rescreened();
        var touched = (await app.Get($"/api/compliance/changes/{change}/impact")).GetProperty("touched").EnumerateArray().ToList();
        var item = Assert.Single(touched, t => t.GetProperty("subjectId").GetString() == pa.ToString());
        Assert.Equal(ScreeningSubject.PriceAuthorization, item.GetProperty("kind").GetString());
        Assert.DoesNotContain(touched, t => t.GetProperty("subjectId").GetString() == deal.ToString());

        // The officer sees it in the queue with the SKU that matched, and clears it.
        var queue = await app.Get($"/api/compliance/queue?kind={ScreeningSubject.PriceAuthorization}&pageSize=200");
        var queued = Assert.Single(queue.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == pa.ToString());
        Assert.Contains(queued.GetProperty("appliedRules").EnumerateArray(), r => r.GetProperty("product").GetString() == "CAM-2040-D");
        await app.Send(HttpMethod.Post, $"/api/compliance/queue/{ScreeningSubject.PriceAuthorization}/{pa}/clear",
            new { reason = "Cameras are for a bus depot the county leases to a private operator." }, 200);
        Assert.Equal(ScreeningOutcome.Clear, (await Decided(pa, d => d.Sequence == held.Sequence + 1)).Outcome);
    }

    [Fact]
    public async Task What_the_deals_screening_answered_does_not_hold_its_authorization_again()
    {
        // An E-Rate school: the registration is held for review (universal-service funds), and an officer clears it.
        var school = new ComplianceApp.Customer($"Harbor Elementary {Guid.NewGuid():N}"[..26], CustomerTypes.UniversalServiceRecipient, FundingSources.ERate,
            Region: "WA", Attestation: ComplianceApp.Attested, Families: ["wireless"]);
        var (deal, first) = await app.Register(school);
        Assert.Equal(ScreeningOutcome.Review, first.Outcome);
        await app.Send(HttpMethod.Post, $"/api/compliance/queue/deal/{deal}/clear", new { reason = "Funded from the district's own budget, not E-Rate." }, 200);
        await app.Moves(deal, 2, school, DealStatus.Approved, ScreeningOutcome.Clear);

        var pa = await Issued(deal, school, "AP-6100", "AP-6200");

        var decided = await Decided(pa);
        Assert.Equal(ScreeningOutcome.Clear, decided.Outcome);
        var queue = await app.Get($"/api/compliance/queue?kind={ScreeningSubject.PriceAuthorization}&pageSize=200");
        Assert.DoesNotContain(queue.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == pa.ToString());
        // Its decision is kept with its inputs like any other: the deal's customer and every SKU priced.
        var decisions = await app.Get($"/api/compliance/decisions?subject={ScreeningSubject.PriceAuthorization}:{pa}");
        var kept = Assert.Single(decisions.GetProperty("items").EnumerateArray());
        Assert.Equal(["wireless", "AP-6100", "AP-6200"], kept.GetProperty("inputs").GetProperty("products").EnumerateArray().Select(p => p.GetString()));
    }
}
