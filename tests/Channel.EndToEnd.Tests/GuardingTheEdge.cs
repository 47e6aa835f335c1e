using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Channel.Hosting.Auth;
using Channel.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Channel.EndToEnd.Tests;

/// <summary>A gateway as a deployment runs it (Production, nothing configured beyond its backends), in front of nothing.</summary>
public sealed class LoneGateway : IAsyncLifetime
{
    public ServiceProcess Gateway { get; private set; } = null!;

    public async Task InitializeAsync() => Gateway = await ServiceProcess.Start("Gateway", new Dictionary<string, string>
    {
        ["Gateway__ApplicationsPerMinute"] = "3",
        ["ReverseProxy__Clusters__partners__Destinations__main__Address"] = "http://127.0.0.1:9",
        ["ReverseProxy__Clusters__deals__Destinations__main__Address"] = "http://127.0.0.1:9",
        ["ReverseProxy__Clusters__distributors__Destinations__main__Address"] = "http://127.0.0.1:9",
        ["ReverseProxy__Clusters__reports__Destinations__main__Address"] = "http://127.0.0.1:9",
    });

    public HttpClient Client() => new() { BaseAddress = new Uri(Gateway.Address) };

    public Task DisposeAsync() => Gateway.DisposeAsync().AsTask();
}

/// <summary>
/// What the edge does on its own: the anonymous application limit keys on the real client address
/// (a client cannot pick another with X-Forwarded-For), demo sign-in is off unless asked for, every
/// answer carries the security headers and no Server header, and a token with several roles is refused.
/// </summary>
public sealed class GuardingTheEdge(LoneGateway edge) : IClassFixture<LoneGateway>
{
    [Fact]
    public async Task A_client_cannot_dodge_the_application_limit_with_x_forwarded_for()
    {
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var client = edge.Client();
            client.DefaultRequestHeaders.Add("X-Forwarded-For", $"198.51.100.{i + 1}");
            codes.Add((await client.PostAsJsonAsync("/api/partners/applications", new { legalName = "Anyone" })).StatusCode);
        }

        // The first three pass the limit (and find no Partners service behind it); then the same address is limited.
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, codes.Take(3));
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], codes.Skip(3));
    }

    [Fact]
    public async Task Demo_sign_in_is_off_unless_asked_for()
    {
        using var client = edge.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/demo/users")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/demo/sign-in/manager", null)).StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/app.js")]
    [InlineData("/api/partners")]
    [InlineData("/health/ready")]
    [InlineData("/docs")]
    public async Task Every_answer_carries_the_security_headers_and_no_server_header(string path)
    {
        using var client = edge.Client();
        using var response = await client.GetAsync(path);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Contains("object-src 'none'", policy);
        if (!path.StartsWith("/docs")) Assert.DoesNotContain("unsafe-inline", policy);
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task The_dashboard_runs_no_inline_script_or_style()
    {
        using var client = edge.Client();
        var page = await client.GetStringAsync("/");
        // Every module the page loads, followed from the entry's imports.
        var modules = new Dictionary<string, string>();
        var next = new Queue<string>(["/app.js"]);
        while (next.TryDequeue(out var path))
        {
            if (modules.ContainsKey(path)) continue;
            modules[path] = await client.GetStringAsync(path);
            foreach (System.Text.RegularExpressions.Match import in System.Text.RegularExpressions.Regex.Matches(modules[path], "from \"(\\.{1,2}/[^\"]+)\""))
                next.Enqueue(new Uri(new Uri("http://x" + path), import.Groups[1].Value).AbsolutePath);
        }
        Assert.Contains("/js/pages/deal.js", modules.Keys);
        var script = string.Concat(modules.Values);

        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)[^>]*>", page);
        Assert.DoesNotContain("style=", page + script);
        Assert.DoesNotMatch("\\son[a-z]+\\s*=", page); // no inline event handlers
    }

    [Fact]
    public async Task A_token_with_more_than_one_role_is_refused()
    {
        var claims = new ClaimsIdentity([new("sub", "two-hats"), new("role", Roles.Partner), new("role", Roles.ChannelManager)]);
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AuthSetup.Issuer,
            Audience = AuthSetup.Audience,
            Subject = claims,
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(TestEnvironment.SigningKey), SecurityAlgorithms.HmacSha256),
        });
        using var client = edge.Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        using var single = edge.Client().As(Roles.ChannelManager);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/partners")).StatusCode);
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await single.GetAsync("/api/partners")).StatusCode); // 502: past the edge
    }

    [Fact]
    public void The_container_deployments_never_offer_demo_accounts_or_development_tokens_and_hold_no_secret_in_the_open()
    {
        var compose = File.ReadAllText(Path.Combine(TestEnvironment.Root, "docker-compose.yml"));
        var k8s = Directory.GetFiles(Path.Combine(TestEnvironment.Root, "infra", "k8s"), "*.yaml", SearchOption.AllDirectories).Select(File.ReadAllText).ToList();
        var gateway = File.ReadAllText(Path.Combine(TestEnvironment.Root, "infra", "k8s", "base", "gateway.yaml"));

        Assert.Contains("ASPNETCORE_ENVIRONMENT: Production", compose);
        Assert.DoesNotContain(k8s.Append(compose), text => text.Contains("Development") || text.Contains("SigningKey"));
        // The dashboard's client secret: a variable compose refuses to start without, and a Kubernetes secret.
        Assert.Contains("Gateway__Session__ClientSecret: ${DASHBOARD_CLIENT_SECRET:?", compose);
        Assert.Matches("name: Gateway__Session__ClientSecret\\s+valueFrom: \\{ secretKeyRef:", gateway);
    }

    [Fact]
    public void Images_never_take_local_state_or_build_output()
    {
        var ignored = File.ReadAllLines(Path.Combine(TestEnvironment.Root, ".dockerignore")).Select(l => l.Trim()).ToHashSet();

        Assert.Contains(".channel/", ignored); // local secrets live there (the dashboard client secret, the session keys)
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.Contains("tests/", ignored);
    }
}

/// <summary>Through the running system, where the gateway believes the tests as its proxy: demo sign-in answers only on this machine, and the API reference names no address a caller chose.</summary>
[Collection(SharedSystem.Name)]
public sealed class GuardingTheEdgeOfTheRunningSystem(RunningSystem system)
{
    [Fact]
    public async Task Demo_accounts_and_development_tokens_answer_only_callers_on_this_machine()
    {
        var email = $"edge-{Guid.NewGuid():N}"[..13] + "@vendor.example";
        await system.MakeDemoAccounts((email, "Edge Demo", "leadership", "Edge demo leader"));
        using var local = new HttpClient { BaseAddress = new Uri(system.Gateway.Address) };
        using var remote = system.Client(clientAddress: "203.0.113.9");

        var here = await local.GetStringAsync("/identity/account/sign-in");
        Assert.Contains("Edge demo leader", here);
        Assert.Contains(RunningSystem.DemoPassword, here);
        var there = await remote.GetStringAsync("/identity/account/sign-in");
        Assert.DoesNotContain("Demo accounts", there);
        Assert.DoesNotContain(RunningSystem.DemoPassword, there);
        Assert.Equal(HttpStatusCode.NotFound, (await remote.PostAsJsonAsync("/identity/dev/demo-accounts",
            new { password = "anything at all 123", accounts = new[] { new { email, label = "x" } } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await remote.PostAsJsonAsync("/identity/dev/tokens", new { role = "admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await local.PostAsJsonAsync("/identity/dev/tokens", new { role = "admin" })).StatusCode);
    }

    [Fact]
    public async Task The_api_reference_names_no_address_a_caller_chose()
    {
        foreach (var service in new[] { system.Partners, system.Deals, system.Distributors, system.Reporting, system.Pricing })
        {
            using var client = new HttpClient { BaseAddress = new Uri(service.Address) };
            var prefix = service == system.Reporting ? "reports" : service.Name.ToLowerInvariant();
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/{prefix}/openapi/v1.json");
            request.Headers.Host = "evil.example";
            request.Headers.Add("X-Forwarded-Proto", "gopher");
            request.Headers.Add("X-Forwarded-Host", "evil.example");
            using var response = await client.SendAsync(request);
            var document = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain("evil.example", document);
            Assert.DoesNotContain("gopher", document);
        }
    }
}
