using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Deals;
using Channel.Testing;

namespace Channel.EndToEnd.Tests;

/// <summary>
/// The whole path a partner takes: onboarded by Partners, known to Deals only through the events
/// that cross RabbitMQ, then registering, approved and closing a deal, all through the gateway.
/// </summary>
[Collection(SharedSystem.Name)]
public sealed class RegisteringADealEndToEnd(RunningSystem system)
{
    [Fact]
    public async Task An_onboarded_partner_registers_a_deal_that_is_approved_and_won()
    {
        var domain = $"e2e-{Guid.NewGuid():N}"[..16] + ".example";
        var applied = await system.Client().PostAsJsonAsync("/api/partners/applications", new
        {
            legalName = "Deal Flow Networks",
            country = "US",
            region = "WA",
            websiteDomain = domain,
            partnerType = "var",
            primaryContact = new { name = "Lee Chen", email = $"lee@{domain}" },
            agreementVersion = "2026-01",
        });
        var partnerId = (await applied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var partner = system.Client("partner", partnerId);
        var registration = new
        {
            customer = new { legalName = "Evergreen Medical Center", domain = "evergreen-med.example", country = "US", region = "WA", sector = "healthcare" },
            products = new[] { new { sku = "SW-9300-48P", quantity = 8, amount = 96_000m } },
            totalValue = 96_000m,
            currency = "USD",
            expectedClose = DateTime.UtcNow.AddDays(45).ToString("yyyy-MM-dd"),
        };

        // Not yet approved as a partner: the Deals service refuses.
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.PostAsJsonAsync("/api/deals", registration)).StatusCode);

        (await system.Client("channel-manager").PostAsJsonAsync($"/api/partners/{partnerId}/approve", new { tier = "gold" })).EnsureSuccessStatusCode();
        var correlation = $"e2e-{Guid.NewGuid():N}";
        var registrant = system.Client("partner", partnerId);
        registrant.DefaultRequestHeaders.Add("X-Correlation-Id", correlation);
        var registered = await Eventually.Value(() => registrant.PostAsJsonAsync("/api/deals", registration),
            r => r.StatusCode != HttpStatusCode.Forbidden, "PartnerApproved reaching Deals");
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var dealId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        // The request's correlation id travels with everything it causes, hop after hop: Deals' DealRegistered, Compliance's
        // decision on it (consumed and announced from Compliance's outbox), and Deals' DealScreened that applies it.
        await system.Events.WaitFor<DealScreened>(e => e.DealId == dealId);
        Assert.Equal(correlation, system.Events.All.Single(r => r.Message is DealRegistered e && e.DealId == dealId).CorrelationId);
        Assert.Equal(correlation, system.Events.All.Single(r => r.Message is Channel.Contracts.Compliance.ScreeningDecided d && d.SubjectId == dealId.ToString()).CorrelationId);
        Assert.Equal(correlation, system.Events.All.Single(r => r.Message is DealScreened e && e.DealId == dealId).CorrelationId);

        var queue = await system.Client("channel-manager").GetFromJsonAsync<JsonElement>("/api/deals/queue");
        Assert.Contains(dealId, queue.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()));
        // The Compliance service screens it first (nothing on its lists or rules here): until then it cannot be approved.
        Assert.Equal("clear", await system.Screened(dealId));
        (await system.Client("channel-manager").PostAsync($"/api/deals/{dealId}/approve", null)).EnsureSuccessStatusCode();
        (await partner.PostAsJsonAsync($"/api/deals/{dealId}/won", new { actualAmount = 91_500m })).EnsureSuccessStatusCode();

        Assert.Equal(3, (await system.Events.WaitFor<DealApproved>(e => e.DealId == dealId)).Version); // registered, screened, approved
        var won = await system.Events.WaitFor<DealWon>(e => e.DealId == dealId);
        Assert.Equal(91_500m, won.Deal.ActualAmount);
        Assert.Equal(partnerId, won.Deal.PartnerId);
        Assert.Equal(HttpStatusCode.NotFound, (await system.Client("partner", Guid.NewGuid()).GetAsync($"/api/deals/{dealId}")).StatusCode);
    }

    [Fact]
    public async Task A_distributors_sell_through_report_marks_the_registered_deal_won()
    {
        var manager = system.Client("channel-manager");
        var partnerId = await ActivePartner(manager);
        var onboarded = await manager.PostAsJsonAsync("/api/distributors", new
        {
            name = $"Cascade Distribution {Guid.NewGuid():N}"[..30],
            countries = new[] { "US" },
            regions = new[] { "WA", "OR" },
        });
        var distributorId = (await onboarded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        // The Distributors service learns that the partner is active from the Partners service's event.
        await Eventually.True(async () => (await manager.PostAsJsonAsync($"/api/distributors/{distributorId}/authorizations",
            new { partnerId, regions = new[] { "WA" } })).IsSuccessStatusCode);

        // The distributor registers a deal on the reseller's behalf (Deals learns of the authorization from an event) …
        var distributor = system.Client("distributor", distributorId: distributorId);
        var close = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd");
        HttpResponseMessage registered = null!;
        await Eventually.True(async () => (registered = await distributor.PostAsJsonAsync("/api/deals", new
        {
            partnerId,
            customer = new { legalName = "Puget Sound Ferries Inc.", country = "US", region = "WA", sector = "commercial" },
            products = new[] { new { sku = "RT-8800", quantity = 2, amount = 40_000m } },
            totalValue = 40_000m,
            currency = "USD",
            expectedClose = close,
        })).StatusCode == HttpStatusCode.Created);
        var dealId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal("clear", await system.Screened(dealId));
        (await manager.PostAsync($"/api/deals/{dealId}/approve", null)).EnsureSuccessStatusCode();

        // … and then reports the sale, without naming the deal: reseller + customer + product family match it.
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var month = DateTime.UtcNow.ToString("yyyy-MM-01");
        var csv = "report_number,period_start,period_end,invoice_number,invoice_date,transaction_type,reseller_id,end_customer_name,end_customer_country,vendor_sku,quantity,unit_price,extended_amount,currency\n" +
                  $"E2E-{Guid.NewGuid():N},{month},{DateTime.UtcNow.AddDays(1):yyyy-MM-dd},INV-77,{today},sale,{partnerId},PUGET SOUND FERRIES,US,RT-8800-X,2,19500.00,39000.00,USD\n";
        var upload = await distributor.PostAsync($"/api/distributors/{distributorId}/reports", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"));
        var report = await upload.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        Assert.Equal(1, report.GetProperty("acceptedLines").GetInt32());

        var won = await system.Events.WaitFor<DealWon>(e => e.DealId == dealId);
        Assert.Equal("sell-through:reseller_customer_family", won.Source);
        Assert.Equal(39_000m, won.Deal.ActualAmount);
        Assert.Equal(distributorId, won.Deal.DistributorId);
    }

    async Task<Guid> ActivePartner(HttpClient manager)
    {
        var domain = $"e2e-{Guid.NewGuid():N}"[..16] + ".example";
        var applied = await system.Client().PostAsJsonAsync("/api/partners/applications", new
        {
            legalName = $"Sound Networks {Guid.NewGuid():N}"[..24],
            country = "US",
            region = "WA",
            websiteDomain = domain,
            partnerType = "var",
            primaryContact = new { name = "Ray Oh", email = $"ray@{domain}" },
            agreementVersion = "2026-01",
        });
        var id = (await applied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await manager.PostAsJsonAsync($"/api/partners/{id}/approve", new { tier = "silver" })).EnsureSuccessStatusCode();
        return id;
    }
}

/// <summary>The mail a real partner gets, through every service: applied, approved, a user added, a deal approved.</summary>
[Collection(SharedSystem.Name)]
public sealed class HearingAboutItByMail(RunningSystem system)
{
    [Fact]
    public async Task The_applicant_hears_of_the_approval_and_the_partners_user_of_the_deals_approval_with_a_link_to_it()
    {
        var domain = $"mail-{Guid.NewGuid():N}"[..16] + ".example";
        var applicant = $"lee@{domain}";
        var user = $"sam@{domain}";
        var manager = system.Client("channel-manager");
        var applied = await system.Client().PostAsJsonAsync("/api/partners/applications", new
        {
            legalName = "Mail Flow Networks",
            country = "US",
            region = "WA",
            websiteDomain = domain,
            partnerType = "var",
            primaryContact = new { name = "Lee Chen", email = applicant },
            agreementVersion = "2026-01",
        });
        var partnerId = (await applied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await manager.PostAsJsonAsync($"/api/partners/{partnerId}/approve", new { tier = "silver" })).EnsureSuccessStatusCode();
        (await manager.PostAsJsonAsync($"/api/partners/{partnerId}/users", new { name = "Sam Seller", email = user, role = "sales" })).EnsureSuccessStatusCode();
        var partner = system.Client("partner", partnerId);
        var registered = await Eventually.Value(() => partner.PostAsJsonAsync("/api/deals", new
        {
            customer = new { legalName = "Harbor Logistics", country = "US", region = "WA", sector = "commercial" },
            products = new[] { new { sku = "SW-9300-48P", quantity = 2, amount = 24_000m } },
            totalValue = 24_000m,
            currency = "USD",
            expectedClose = DateTime.UtcNow.AddDays(45).ToString("yyyy-MM-dd"),
        }), r => r.StatusCode != HttpStatusCode.Forbidden, "the partner's approval reaching Deals");
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var dealId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal("clear", await system.Screened(dealId));
        (await manager.PostAsync($"/api/deals/{dealId}/approve", null)).EnsureSuccessStatusCode();

        using var mailbox = new Smtp4dev();
        var toApplicant = await mailbox.WaitFor(2, applicant);
        Assert.Equal(["We received your application: Mail Flow Networks", "Welcome to the Channel partner program: Mail Flow Networks"],
            toApplicant.Select(m => m.Subject).Order());
        var toUser = await mailbox.WaitFor(2, user);
        Assert.Equal(["Deal approved: Harbor Logistics (24,000.00 USD)", "Your Channel account for Mail Flow Networks"], toUser.Select(m => m.Subject).Order());
        Assert.Contains($"/#/deals?deal={dealId}", toUser.Single(m => m.Subject.StartsWith("Deal approved")).Text);
    }

    [Fact]
    public async Task A_new_partner_user_sets_a_password_from_the_mail_signs_in_through_the_gateway_and_sees_only_its_partners_deals()
    {
        var (own, user) = await Partner("Signin Own Networks");
        var (other, _) = await Partner("Signin Other Networks");
        var ownDeal = await Deal(own, "Lighthouse Clinic");
        var otherDeal = await Deal(other, "Quarry Schools");

        // The invitation, as the person receives it.
        using var mailbox = new Smtp4dev();
        var invitation = Assert.Single(await mailbox.WaitFor(1, user));
        Assert.Equal("Your Channel account for Signin Own Networks", invitation.Subject);
        var link = System.Text.RegularExpressions.Regex.Match(invitation.Text, @"http://127\.0\.0\.1:\d+/identity/account/set-password\?ticket=\S+").Value;
        Assert.NotEmpty(link);

        const string Password = "tangerine satellite meadow";
        using var browser = Browser();
        using (var saved = await browser.Submit(await browser.Html(new Uri(link).PathAndQuery), ("password", Password), ("confirm", Password)))
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var flow = new CodeFlow(RunningSystem.PortalClient, RunningSystem.PortalSecret, RunningSystem.PortalRedirect);
        // Later, in a browser of its own.
        using var later = Browser();
        var code = await flow.SignIn(later, user, Password);
        var (status, tokens) = await flow.Redeem(Browser(), code);
        Assert.Equal(HttpStatusCode.OK, status);

        // The provider's token opens the API at the gateway and at each service, scoped to the person's partner.
        using var api = new HttpClient { BaseAddress = new Uri(system.Gateway.Address) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("access_token").GetString());
        api.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.77");
        var deals = await api.GetFromJsonAsync<JsonElement>("/api/deals?pageSize=200");
        var partners = deals.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("partnerId").GetGuid()).Distinct().ToList();
        Assert.Equal([own], partners);
        Assert.Contains(deals.GetProperty("items").EnumerateArray(), d => d.GetProperty("id").GetGuid() == ownDeal);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/deals/{otherDeal}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/deals/{ownDeal}")).StatusCode);
        var me = await api.GetFromJsonAsync<JsonElement>("/api/identity/me");
        Assert.Equal(own, me.GetProperty("partnerId").GetGuid());
    }

    HttpClient Browser()
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() })
        {
            BaseAddress = new Uri(system.Gateway.Address),
        };
        client.DefaultRequestHeaders.Add("X-Forwarded-For", $"203.0.113.{Random.Shared.Next(1, 254)}");
        return client;
    }

    async Task<(Guid PartnerId, string UserEmail)> Partner(string name)
    {
        var domain = $"signin-{Guid.NewGuid():N}"[..18] + ".example";
        var manager = system.Client("channel-manager");
        var applied = await system.Client().PostAsJsonAsync("/api/partners/applications", new
        {
            legalName = name,
            country = "US",
            region = "WA",
            websiteDomain = domain,
            partnerType = "var",
            primaryContact = new { name = "Kim Lee", email = $"kim@{domain}" },
            agreementVersion = "2026-01",
        });
        var partnerId = (await applied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await manager.PostAsJsonAsync($"/api/partners/{partnerId}/approve", new { tier = "silver" })).EnsureSuccessStatusCode();
        var user = $"pat@{domain}";
        (await manager.PostAsJsonAsync($"/api/partners/{partnerId}/users", new { name = "Pat Seller", email = user, role = "sales" })).EnsureSuccessStatusCode();
        return (partnerId, user);
    }

    async Task<Guid> Deal(Guid partnerId, string customer)
    {
        var partner = system.Client("partner", partnerId);
        // Deals learns of the partner's approval from its event.
        var registered = await Eventually.Value(() => partner.PostAsJsonAsync("/api/deals", new
        {
            customer = new { legalName = customer, country = "US", region = "WA", sector = "commercial" },
            products = new[] { new { sku = "SW-9300-48P", quantity = 1, amount = 9_000m } },
            totalValue = 9_000m,
            currency = "USD",
            expectedClose = DateTime.UtcNow.AddDays(45).ToString("yyyy-MM-dd"),
        }), r => r.StatusCode != HttpStatusCode.Forbidden, "the partner's approval reaching Deals");
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        return (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
