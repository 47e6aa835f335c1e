using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Channel.Testing;

namespace Channel.EndToEnd.Tests;

/// <summary>
/// The running system with two tenants side by side, each with something of everything: partner P1,
/// distributor D1 authorized to serve it, a deal P1 registered and a sell-through report D1 sent; and
/// the same again as P2, D2 (which registered P2's deal itself) and D2's report. Every name, tax id and
/// address is unique to this run, so finding one in an answer means that answer shows it.
/// </summary>
public class TwoTenants : RunningSystem
{
    public Tenant A { get; private set; } = null!;
    public Tenant B { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var manager = Client("channel-manager");
        // The price book the tenants' approved deals are priced from.
        await Expect(HttpStatusCode.Created, manager.PostAsync("/api/pricing/price-lists?name=e2e", new StringContent(
            "sku,product_family,list_price,distributor_cost,currency,effective_from\nSW-9300-48P,switching,10000.00,6200.00,USD,2026-01-01\n",
            Encoding.UTF8, "text/csv")));
        A = await Seed(manager, "Alpha", "WA", distributorRegisters: false);
        B = await Seed(manager, "Bravo", "OR", distributorRegisters: true);
        // Each service has heard of everything: Partners of the authorizations, Deals and Reporting of the deals and reports.
        foreach (var t in new[] { A, B })
        {
            await Eventually.True(what: $"{t.Name}: D sees P", condition: async () =>
                (await Client("distributor", distributorId: t.DistributorId).GetAsync($"/api/partners/{t.PartnerId}")).IsSuccessStatusCode);
            await Eventually.True(what: $"{t.Name}: P sees D", condition: async () =>
                (await Client("partner", t.PartnerId).GetAsync($"/api/distributors/{t.DistributorId}")).IsSuccessStatusCode);
            await Eventually.True(what: $"{t.Name}: pipeline", condition: async () =>
                (await manager.GetStringAsync("/api/reports/pipeline/partner")).Contains(t.PartnerId.ToString()));
            await Eventually.True(what: $"{t.Name}: sell-through", condition: async () =>
                (await manager.GetStringAsync("/api/reports/sell-through/partner")).Contains(t.PartnerId.ToString()));
        }
    }

    async Task<Tenant> Seed(HttpClient manager, string name, string region, bool distributorRegisters)
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var domain = $"{name.ToLowerInvariant()}-{tag}.example";
        var partnerName = $"{name} Secure Networks {tag}";
        var taxId = $"TX{tag.ToUpperInvariant()}";
        var contactName = $"{name} Contact {tag}";
        var contactEmail = $"contact-{tag}@{domain}";
        var applied = await Expect(HttpStatusCode.Created, manager.PostAsJsonAsync("/api/partners/applications", new
        {
            legalName = partnerName,
            country = "US",
            region,
            websiteDomain = domain,
            taxId,
            partnerType = "var",
            primaryContact = new { name = contactName, email = contactEmail },
            agreementVersion = "2026-01",
        }));
        var partnerId = applied.GetProperty("id").GetGuid();
        await Expect(HttpStatusCode.OK, manager.PostAsJsonAsync($"/api/partners/{partnerId}/approve", new { tier = "gold" }));
        var partnerUser = $"user-{tag}@{domain}";
        var partnerUserId = (await Expect(HttpStatusCode.Created, manager.PostAsJsonAsync($"/api/partners/{partnerId}/users",
            new { name = $"{name} User {tag}", email = partnerUser, role = "sales" }))).GetProperty("id").GetGuid();

        var distributorName = $"{name} Distribution {tag}";
        var distributorContact = $"sales-{tag}@{name.ToLowerInvariant()}-dist.example";
        var onboarded = await Expect(HttpStatusCode.Created, manager.PostAsJsonAsync("/api/distributors", new
        {
            name = distributorName,
            countries = new[] { "US" },
            regions = new[] { region },
            contacts = new[] { new { name = $"{name} Desk {tag}", email = distributorContact, phone = "+1 555 0100", role = "sales" } },
        }));
        var distributorId = onboarded.GetProperty("id").GetGuid();
        var distributorUser = $"ops-{tag}@{name.ToLowerInvariant()}-dist.example";
        var distributorUserId = (await Expect(HttpStatusCode.Created, manager.PostAsJsonAsync($"/api/distributors/{distributorId}/users",
            new { name = $"{name} Operator {tag}", email = distributorUser, role = "operations" }))).GetProperty("id").GetGuid();
        await Eventually.True(what: $"{name}: authorization", condition: async () => (await manager.PostAsJsonAsync($"/api/distributors/{distributorId}/authorizations",
            new { partnerId, regions = new[] { region } })).IsSuccessStatusCode);

        var customer = $"{name} Regional Hospital {tag}";
        var registrant = distributorRegisters ? Client("distributor", distributorId: distributorId) : Client("partner", partnerId);
        HttpResponseMessage registered = null!;
        await Eventually.True(what: $"{name}: deal", condition: async () => (registered = await registrant.PostAsJsonAsync("/api/deals", new
        {
            partnerId,
            customer = new { legalName = customer, country = "US", region, sector = "healthcare" },
            products = new[] { new { sku = "SW-9300-48P", quantity = 4, amount = 48_000m } },
            totalValue = 48_000m,
            currency = "USD",
            expectedClose = DateTime.UtcNow.AddDays(40).ToString("yyyy-MM-dd"),
            notes = $"{name} deal notes {tag}",
        })).StatusCode == HttpStatusCode.Created);
        var dealId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // A second deal, approved: its price authorization, and a claim the distributor made against it (pending its sell-through).
        var pricedCustomer = $"{name} Priced Clinic {tag}";
        HttpResponseMessage priced = null!;
        await Eventually.True(what: $"{name}: priced deal", condition: async () => (priced = await registrant.PostAsJsonAsync("/api/deals", new
        {
            partnerId,
            customer = new { legalName = pricedCustomer, country = "US", region, sector = "healthcare" },
            products = new[] { new { sku = "SW-9300-48P", quantity = 3, amount = 30_000m } },
            totalValue = 30_000m,
            currency = "USD",
            expectedClose = DateTime.UtcNow.AddDays(40).ToString("yyyy-MM-dd"),
        })).StatusCode == HttpStatusCode.Created);
        var pricedDealId = (await priced.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Screened(pricedDealId);
        await Expect(HttpStatusCode.OK, manager.PostAsync($"/api/deals/{pricedDealId}/approve", null));
        JsonElement pa = default;
        await Eventually.True(what: $"{name}: price authorization", condition: async () =>
        {
            var found = await manager.GetFromJsonAsync<JsonElement>($"/api/pricing/authorizations?dealId={pricedDealId}");
            if (found.GetProperty("total").GetInt32() == 0) return false;
            pa = found.GetProperty("items")[0].Clone();
            return true;
        });
        var paNumber = pa.GetProperty("number").GetString()!;
        var claimNumber = $"CLM-{tag}";
        var claimCsv = "claim_number,pa_number,invoice_number,invoice_date,reseller_id,end_customer_name,vendor_sku,quantity,book_cost,authorized_cost,claimed_amount\n" +
                       $"{claimNumber},{paNumber},INV-PA-{tag},{DateTime.UtcNow:yyyy-MM-dd},{partnerId},{pricedCustomer},SW-9300-48P,1,6200.00,5200.00,1000.00\n";
        HttpResponseMessage claimed = null!;
        await Eventually.True(what: $"{name}: claim", condition: async () => (claimed = await Client("distributor", distributorId: distributorId)
            .PostAsync("/api/pricing/claims", new StringContent(claimCsv, Encoding.UTF8, "text/csv"))).StatusCode == HttpStatusCode.Created);
        var claimId = (await claimed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("claim").GetProperty("id").GetGuid();

        var reportNumber = $"RPT-{tag}";
        var month = DateTime.UtcNow.ToString("yyyy-MM-01");
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var csv = "report_number,period_start,period_end,invoice_number,invoice_date,transaction_type,reseller_id,end_customer_name,end_customer_country,vendor_sku,quantity,unit_price,extended_amount,currency\n" +
                  $"{reportNumber},{month},{DateTime.UtcNow.AddDays(1):yyyy-MM-dd},INV-{tag},{today},sale,{partnerId},{name} School District {tag},US,RT-8800,1,9000.00,9000.00,USD\n";
        var report = await Expect(HttpStatusCode.Created, Client("distributor", distributorId: distributorId)
            .PostAsync($"/api/distributors/{distributorId}/reports", new StringContent(csv, Encoding.UTF8, "text/csv")));

        // The partner's system subscribes to its deals (at a port where nothing answers) and pings it, a delivery in its log;
        // then the partner disables it, so no retry changes the service's tables while the tests compare them.
        var partner = Client("partner", partnerId);
        var subscriptionId = (await Expect(HttpStatusCode.Created, partner.PostAsJsonAsync("/api/notifications/subscriptions",
            new { url = $"http://127.0.0.1:9/{name.ToLowerInvariant()}-hook", kinds = new[] { "deal.approved" } }))).GetProperty("id").GetGuid();
        var deliveryId = (await Expect(HttpStatusCode.Accepted, partner.PostAsync($"/api/notifications/subscriptions/{subscriptionId}/ping", null)))
            .GetProperty("id").GetInt64();
        await Expect(HttpStatusCode.OK, partner.PatchAsJsonAsync($"/api/notifications/subscriptions/{subscriptionId}", new { enabled = false }));

        return new Tenant(name, partnerId, partnerName, domain, taxId, contactName, contactEmail, partnerUser, partnerUserId,
            distributorId, distributorName, distributorUser, distributorUserId, dealId, customer, report.GetProperty("id").GetGuid(), reportNumber,
            distributorRegisters, subscriptionId, deliveryId, pricedDealId, pricedCustomer, pa.GetProperty("id").GetGuid(), paNumber, claimId, claimNumber);
    }

    public static readonly string[] Services = ["partners", "distributors", "deals", "reports", "notifications", "identity", "pricing", "compliance"];

    public string AddressOf(string service) => service switch
    {
        "partners" => Partners.Address,
        "distributors" => Distributors.Address,
        "deals" => Deals.Address,
        "reports" => Reporting.Address,
        "notifications" => Notifications.Address,
        "identity" => Identity.Address,
        "pricing" => Pricing.Address,
        "compliance" => Compliance.Address,
        _ => throw new ArgumentOutOfRangeException(nameof(service)),
    };

    /// <summary>Every endpoint the services publish, from their own OpenAPI documents, by "METHOD /path/{template}".</summary>
    public async Task<Dictionary<string, Endpoint>> PublishedEndpoints()
    {
        var found = new Dictionary<string, Endpoint>();
        foreach (var service in Services)
        {
            using var client = new HttpClient { BaseAddress = new Uri(AddressOf(service)) };
            using var document = JsonDocument.Parse(await client.GetStringAsync($"/api/{service}/openapi/v1.json"));
            foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
                foreach (var operation in path.Value.EnumerateObject())
                {
                    var query = operation.Value.TryGetProperty("parameters", out var ps)
                        ? ps.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToArray()
                        : [];
                    var method = operation.Name.ToUpperInvariant();
                    found[$"{method} {path.Name}"] = new Endpoint(method, path.Name, service, query);
                }
        }
        return found;
    }

    static async Task<JsonElement> Expect(HttpStatusCode status, Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

}

/// <summary>One tenant's things, and the strings that name them.</summary>
public sealed record Tenant(
    string Name, Guid PartnerId, string PartnerName, string Domain, string TaxId, string ContactName, string ContactEmail, string PartnerUserEmail,
    Guid PartnerUserId, Guid DistributorId, string DistributorName, string DistributorUserEmail, Guid DistributorUserId,
    Guid DealId, string Customer, Guid ReportId, string ReportNumber, bool DistributorRegistered, Guid SubscriptionId, long DeliveryId,
    Guid PricedDealId, string PricedCustomer, Guid AuthorizationId, string PaNumber, Guid ClaimId, string ClaimNumber)
{
    /// <summary>Everything that names this tenant: none of it may reach the other tenant.</summary>
    public IEnumerable<string> Everything =>
    [
        PartnerId.ToString(), PartnerName, Domain, TaxId, ContactName, ContactEmail, PartnerUserEmail, PartnerUserId.ToString(),
        DistributorId.ToString(), DistributorName, DistributorUserEmail, DistributorUserId.ToString(), DealId.ToString(), Customer, ReportId.ToString(), ReportNumber,
        PricedDealId.ToString(), PricedCustomer, AuthorizationId.ToString(), PaNumber, ClaimId.ToString(), ClaimNumber,
    ];

    /// <summary>What the tenant's distributor may not see of the partner it serves: its tax id, contact and users.</summary>
    public IEnumerable<string> HiddenFromItsDistributor => [TaxId, ContactName, ContactEmail, PartnerUserEmail, PartnerUserId.ToString()];

    /// <summary>What the tenant's partner may not see of the distributor serving it: its users and its reports.</summary>
    public IEnumerable<string> HiddenFromItsPartner => [DistributorUserEmail, DistributorUserId.ToString(), ReportId.ToString(), ReportNumber, ClaimId.ToString(), ClaimNumber];
}

/// <summary>An endpoint as a service's OpenAPI document publishes it.</summary>
public sealed record Endpoint(string Method, string Template, string Service, string[] QueryParameters);
