using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Partners;
using Channel.Testing;

namespace Channel.EndToEnd.Tests;

[Collection(SharedSystem.Name)]
public sealed class OnboardingAPartner(RunningSystem system)
{
    // Each applicant its own name: a name that normalises like a live partner's goes to review.
    static object Application(string domain, string? name = null) => new
    {
        legalName = name ?? $"Gateway Tested {domain.Split('.')[0]} Inc",
        country = "US",
        region = "OR",
        websiteDomain = domain,
        partnerType = "msp",
        primaryContact = new { name = "Robin Park", email = $"robin@{domain}" },
        agreementVersion = "2026-01",
    };

    [Fact]
    public async Task Apply_then_approve_through_the_gateway_publishes_PartnerApproved_after_screening_with_the_correlation_id()
    {
        var domain = $"e2e-{Guid.NewGuid():N}"[..16] + ".example";
        var applied = await system.Client().PostAsJsonAsync("/api/partners/applications", Application(domain));
        Assert.Equal(HttpStatusCode.Created, applied.StatusCode);
        var id = (await applied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        // The Compliance service screens the application (its version 2 records that it is clear).
        var screened = await Eventually.Value(async () => (await system.Client("channel-manager").GetFromJsonAsync<JsonElement>($"/api/partners/{id}")),
            p => p.GetProperty("screening").GetString() != "pending");
        Assert.Equal(("applied", "clear", 2), (screened.GetProperty("status").GetString(), screened.GetProperty("screening").GetString(),
            screened.GetProperty("version").GetInt32()));

        var correlation = $"e2e-{Guid.NewGuid():N}";
        var manager = system.Client("channel-manager");
        manager.DefaultRequestHeaders.Add("X-Correlation-Id", correlation);
        var approved = await manager.PostAsJsonAsync($"/api/partners/{id}/approve", new { tier = "gold" });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(correlation, approved.Headers.GetValues("X-Correlation-Id").Single());

        var message = await system.Events.WaitFor<PartnerApproved>(e => e.PartnerId == id);
        Assert.Equal(3, message.Version);
        Assert.Equal("gold", message.Partner.Tier);
        Assert.Equal("active", message.Partner.Status);
        var envelope = system.Events.All.Single(r => r.Message is PartnerApproved a && a.PartnerId == id);
        Assert.Equal(correlation, envelope.CorrelationId);

        var partner = await system.Client("partner", id).GetFromJsonAsync<JsonElement>($"/api/partners/{id}");
        Assert.Equal("active", partner.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_gateway_turns_away_requests_without_a_valid_token()
    {
        var none = await system.Client().GetAsync("/api/partners");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);

        var forged = system.Client();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", Channel.Hosting.Auth.AuthSetup.Mint(new byte[32], "admin", "mallory"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/partners")).StatusCode);

        var expired = system.Client();
        expired.DefaultRequestHeaders.Authorization = new("Bearer",
            Channel.Hosting.Auth.AuthSetup.Mint(TestEnvironment.SigningKey, "admin", "late", lifetime: TimeSpan.FromMinutes(-5)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await expired.GetAsync("/api/partners")).StatusCode);
    }

    [Fact]
    public async Task A_partner_cannot_see_another_partner_through_the_gateway()
    {
        var mine = Guid.NewGuid();
        var domain = $"e2e-{Guid.NewGuid():N}"[..16] + ".example";
        var other = (await (await system.Client().PostAsJsonAsync("/api/partners/applications", Application(domain)))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var response = await system.Client("partner", mine).GetAsync($"/api/partners/{other}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Applications_from_one_address_are_rate_limited_at_the_edge()
    {
        var client = system.Client(clientAddress: "198.51.100.77");
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i <= RunningSystem.ApplicationsPerMinute; i++)
        {
            var domain = $"rl-{Guid.NewGuid():N}"[..14] + ".example";
            codes.Add((await client.PostAsJsonAsync("/api/partners/applications", Application(domain))).StatusCode);
        }

        Assert.Equal(RunningSystem.ApplicationsPerMinute, codes.Count(c => c == HttpStatusCode.Created));
        Assert.Equal(HttpStatusCode.TooManyRequests, codes.Last());
    }

    [Fact]
    public async Task The_api_reference_and_the_dashboard_are_served()
    {
        var client = system.Client();
        // Every service's document through the gateway, each naming one of its own paths.
        foreach (var (service, path) in new[]
        {
            ("partners", "/api/partners/applications"), ("distributors", "/api/distributors/{id}/reports"), ("deals", "/api/deals/queue"),
            ("reports", "/api/reports/pipeline"), ("notifications", "/api/notifications/preferences"), ("identity", "/api/identity/accounts"),
            ("pricing", "/api/pricing/claims"),
        })
        {
            var spec = await client.GetFromJsonAsync<JsonElement>($"/api/{service}/openapi/v1.json");
            Assert.True(spec.GetProperty("paths").TryGetProperty(path, out _), $"{service}'s OpenAPI document has no {path}");
            // The bearer token is declared, so /docs can authorize; each feature's body is its own schema (no one "Request" for all).
            var bearer = spec.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
            Assert.Equal(("http", "bearer"), (bearer.GetProperty("type").GetString(), bearer.GetProperty("scheme").GetString()));
            var schemas = spec.GetProperty("components").GetProperty("schemas").EnumerateObject().Select(p => p.Name).ToList();
            Assert.DoesNotContain("Request", schemas);
            // /docs/<service> finds the service's own document.
            var page = await client.GetStringAsync($"/docs/{service}");
            Assert.Contains($"\"url\":\"api/{service}/openapi/v1.json\"", page);
        }

        // Operations that need a token say so, those that do not (applying) do not; bodies and filters declare their values.
        var partners = await client.GetFromJsonAsync<JsonElement>("/api/partners/openapi/v1.json");
        var operations = partners.GetProperty("paths");
        Assert.Equal("Bearer", operations.GetProperty("/api/partners/{id}/approve").GetProperty("post").GetProperty("security")[0].EnumerateObject().Single().Name);
        Assert.False(operations.GetProperty("/api/partners/applications").GetProperty("post").TryGetProperty("security", out _));
        Assert.Equal("#/components/schemas/ApprovePartnerRequest", operations.GetProperty("/api/partners/{id}/approve").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal("#/components/schemas/RejectPartnerRequest", operations.GetProperty("/api/partners/{id}/reject").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal(["registered", "silver", "gold", "platinum"], partners.GetProperty("components").GetProperty("schemas").GetProperty("ApprovePartnerRequest")
            .GetProperty("properties").GetProperty("tier").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        var list = operations.GetProperty("/api/partners").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("schema"));
        Assert.Contains("on_hold", list["status"].GetProperty("items").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        Assert.Contains("tier", list["sort"].GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(["asc", "desc"], list["direction"].GetProperty("enum").EnumerateArray().Select(v => v.GetString()));

        var docs = await client.GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("Channel API", await docs.Content.ReadAsStringAsync());

        var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal("text/html", home.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Health_endpoints_answer_on_every_process()
    {
        using var http = new HttpClient();
        var services = new[] { system.Partners, system.Distributors, system.Deals, system.Reporting, system.Notifications, system.Identity, system.Pricing, system.Compliance };
        foreach (var process in services.Append(system.Gateway))
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{process.Address}/health/live")).StatusCode);
            var ready = await http.GetFromJsonAsync<JsonElement>($"{process.Address}/health/ready");
            Assert.True(ready.GetProperty("status").GetString() == "Healthy", $"{process.Name}: {ready}");
        }
        // Each service's readiness checks its database and its bus.
        foreach (var service in services)
        {
            var checks = (await http.GetFromJsonAsync<JsonElement>($"{service.Address}/health/ready")).GetProperty("checks");
            Assert.True(checks.TryGetProperty("database", out _), $"{service.Name}'s readiness does not check its database: {checks}");
            Assert.True(checks.EnumerateObject().Count() >= 2, $"{service.Name}'s readiness checks the database and the bus: {checks}");
        }
    }
}
