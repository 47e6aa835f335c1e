using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Testing;

namespace Channel.EndToEnd.Tests;

/// <summary>
/// The running system with settings two test classes need and no other does: the gateway refreshes a session's access
/// token before every call (its threshold longer than the tokens live), so each call exercises the refresh and its single
/// use; Distributors cuts sell-through into batches of 25 lines, so a report of a hundred lines is many messages; the
/// gateway's rate limits stay out of a property run's way. One system for both classes (starting one is the suite's most
/// expensive step); they take turns on it.
/// </summary>
public sealed class TunedSystem : RunningSystem
{
    public const string Name = "tuned system";

    protected override IReadOnlyDictionary<string, string> SettingsFor(string service) => service switch
    {
        "Gateway" => new Dictionary<string, string>
        {
            ["Gateway__Session__RefreshBefore"] = "00:30:00",
            ["Gateway__ApplicationsPerMinute"] = "100000",
            ["Gateway__RequestsPerSecondPerClient"] = "100000",
        },
        "Distributors" => new Dictionary<string, string> { ["Distributors__Reports__BatchLines"] = "25" },
        _ => new Dictionary<string, string>(),
    };
}

[CollectionDefinition(TunedSystem.Name)]
public sealed class TunedSystems : ICollectionFixture<TunedSystem>;

/// <summary>
/// The gateway as the dashboard's backend-for-frontend, seen from the browser's side of the wire: sign-in by
/// the code flow ends in a cookie the page cannot read; that cookie (with the X-CSRF header) is all the page
/// sends; the refresh token behind it is used once per refresh however many calls arrive at once; signing out
/// (here, or by an admin at the provider) ends it, copies of the cookie included.
/// </summary>
[Collection(TunedSystem.Name)]
public sealed class KeepingTheDashboardSession(TunedSystem system)
{
    sealed record Person(Guid PartnerId, Guid DealId, string Email, CookieJar Jar, HttpClient Browser);

    [Fact]
    public async Task The_dashboard_calls_the_API_with_its_session_cookie_and_X_CSRF_header_and_sees_only_its_partners_data()
    {
        var person = await SignedIn("Cookie Own Networks");
        var other = await Partner("Cookie Other Networks");

        var session = Assert.Single(person.Jar.Seen, c => c.StartsWith("channel.session=", StringComparison.Ordinal) && !c.Contains("expires=Thu, 01 Jan 1970"));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);

        var who = await Get(person.Browser, "/session");
        Assert.Equal(HttpStatusCode.OK, who.Status);
        Assert.Equal("partner", who.Body.GetProperty("role").GetString());
        Assert.Equal(person.PartnerId, who.Body.GetProperty("partnerId").GetGuid());
        Assert.False(who.Body.TryGetProperty("accessToken", out _));

        var deals = await Get(person.Browser, "/api/deals?pageSize=200");
        Assert.Equal(HttpStatusCode.OK, deals.Status);
        Assert.Equal([person.PartnerId], deals.Body.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("partnerId").GetGuid()).Distinct());
        Assert.Contains(deals.Body.GetProperty("items").EnumerateArray(), d => d.GetProperty("id").GetGuid() == person.DealId);
        Assert.Equal(HttpStatusCode.OK, (await Get(person.Browser, $"/api/deals/{person.DealId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Get(person.Browser, $"/api/deals/{other.DealId}")).Status);

        // Without the header, as a form or link on another site would send it: refused, and nothing reaches the service.
        using var bare = await person.Browser.GetAsync("/api/deals");
        Assert.Equal(HttpStatusCode.Forbidden, bare.StatusCode);
        Assert.Contains("X-CSRF", await bare.Content.ReadAsStringAsync());
        using var signOut = await person.Browser.PostAsync("/session/sign-out", null);
        Assert.Equal(HttpStatusCode.Forbidden, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Get(person.Browser, "/session")).Status);
        // No cookie, no session.
        using var stranger = new CookieJar().Client(system.Gateway.Address, "203.0.113.90");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get(stranger, "/api/deals")).Status);
    }

    [Fact]
    public async Task Calls_made_at_once_share_one_refresh_and_the_session_lives_on()
    {
        var person = await SignedIn("Refresh Networks");
        var before = await RefreshTokens(person.Email);

        // Each call comes due for a refresh (the gateway refreshes before every call here): a dozen at once with the same cookie.
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Get(person.Browser, "/api/deals?pageSize=5")));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await Get(person.Browser, "/api/deals?pageSize=5")).Status);

        var after = await RefreshTokens(person.Email);
        Assert.True(after.Redeemed > before.Redeemed, $"no refresh token was used: {before} then {after}");
        // Had two calls redeemed one refresh token, the provider would have revoked the whole chain.
        Assert.Equal(0, after.Revoked);
        Assert.Equal(1, after.Valid);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_at_the_gateway_and_the_provider_and_a_copy_of_the_cookie_with_it()
    {
        var person = await SignedIn("Signout Networks");
        var stolen = person.Jar.Copy().Client(system.Gateway.Address, "198.51.100.7");
        Assert.Equal(HttpStatusCode.OK, (await Get(stolen, "/api/deals?pageSize=5")).Status);

        using var signOut = new HttpRequestMessage(HttpMethod.Post, "/session/sign-out") { Headers = { { "X-CSRF", "1" } } };
        using var answer = await person.Browser.SendAsync(signOut);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var url = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signOutUrl").GetString()!;
        Assert.Contains("/identity/connect/logout?id_token_hint=", url);
        // The browser goes on to the provider, which ends the person's sign-in there and comes back to the dashboard.
        using var back = await CookieJar.Follow(person.Browser, await person.Browser.GetAsync(url));
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Equal("/", back.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.DoesNotContain("channel.session", person.Jar.Current.Keys);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Get(stolen, "/api/deals?pageSize=5")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get(stolen, "/session")).Status);
        Assert.Equal(0, (await RefreshTokens(person.Email)).Valid);
        // Signing in again asks for the password (the provider's session ended too).
        using var again = await CookieJar.Follow(person.Browser, await person.Browser.GetAsync("/session/sign-in?returnUrl=/"));
        Assert.Contains("/identity/account/sign-in", again.RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task An_admin_ending_a_persons_sessions_at_the_provider_ends_the_dashboard_session_at_its_next_call()
    {
        var person = await SignedIn("Revoked Networks");
        Assert.Equal(HttpStatusCode.OK, (await Get(person.Browser, "/api/deals?pageSize=5")).Status);
        var account = await system.IdentityDb.Scalar<Guid>("select id from accounts where lower(email) = lower(@email)", new { email = person.Email });
        (await system.Client("admin").PostAsync($"/api/identity/accounts/{account}/revoke-sessions", null)).EnsureSuccessStatusCode();

        var after = await Get(person.Browser, "/api/deals?pageSize=5");
        Assert.Equal(HttpStatusCode.Unauthorized, after.Status);
        Assert.DoesNotContain("channel.session", person.Jar.Current.Keys);
    }

    static async Task<(HttpStatusCode Status, JsonElement Body)> Get(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { "X-CSRF", "1" } } };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.StartsWith('{') || text.StartsWith('[') ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    sealed record Tokens(long Valid, long Redeemed, long Revoked);

    async Task<Tokens> RefreshTokens(string email)
    {
        var counts = (await system.IdentityDb.Query<(string Status, long Count)>("""
            select t.status, count(*) from oidc_tokens t join accounts a on t.subject = a.id::text
            where lower(a.email) = lower(@email) and t.type like '%refresh_token' group by t.status
            """, new { email })).ToDictionary(r => r.Status, r => r.Count);
        return new Tokens(counts.GetValueOrDefault("valid"), counts.GetValueOrDefault("redeemed"), counts.GetValueOrDefault("revoked"));
    }

    /// <summary>A partner with a user who has a password (a demo account's), and one deal; the user signs in through the dashboard.</summary>
    async Task<Person> SignedIn(string name)
    {
        var (partnerId, dealId, email) = await Partner(name);
        await system.MakeDemoAccounts((email, null, null, name));
        var jar = new CookieJar();
        var browser = jar.Client(system.Gateway.Address, $"203.0.113.{Random.Shared.Next(1, 254)}");
        using var page = await CookieJar.Follow(browser, await browser.GetAsync("/session/sign-in?returnUrl=/"));
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK && html.Contains("Sign in"), $"{page.StatusCode} {page.RequestMessage?.RequestUri}");
        Assert.DoesNotContain("Demo accounts", html); // offered to this machine only, and this browser says it is elsewhere
        using var submitted = await browser.Submit(html, ("email", email), ("password", RunningSystem.DemoPassword));
        using var landed = await CookieJar.Follow(browser, submitted);
        Assert.True(landed.StatusCode == HttpStatusCode.OK, $"{landed.StatusCode} at {landed.RequestMessage?.RequestUri}");
        Assert.Equal("/", landed.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("channel.session", jar.Current.Keys);
        return new Person(partnerId, dealId, email, jar, browser);
    }

    async Task<(Guid PartnerId, Guid DealId, string Email)> Partner(string name)
    {
        var domain = $"bff-{Guid.NewGuid():N}"[..14] + ".example";
        var manager = system.Client("channel-manager");
        var applied = await system.Client().PostAsJsonAsync("/api/partners/applications", new
        {
            legalName = name,
            country = "US",
            region = "WA",
            websiteDomain = domain,
            partnerType = "var",
            primaryContact = new { name = "Robin Park", email = $"robin@{domain}" },
            agreementVersion = "2026-01",
        });
        var partnerId = (await applied.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await manager.PostAsJsonAsync($"/api/partners/{partnerId}/approve", new { tier = "silver" })).EnsureSuccessStatusCode();
        var email = $"casey@{domain}";
        (await manager.PostAsJsonAsync($"/api/partners/{partnerId}/users", new { name = "Casey Seller", email, role = "sales" })).EnsureSuccessStatusCode();
        var partner = system.Client("partner", partnerId);
        // Deals hears of the approval by event: until then the partner may not register.
        var registered = await Eventually.Value(() => partner.PostAsJsonAsync("/api/deals", new
        {
            customer = new { legalName = $"{name} Customer", country = "US", region = "WA", sector = "commercial" },
            products = new[] { new { sku = "SW-9300-48P", quantity = 2, amount = 24_000m } },
            totalValue = 24_000m,
            currency = "USD",
            expectedClose = DateTime.UtcNow.AddDays(45).ToString("yyyy-MM-dd"),
        }), r => r.StatusCode != HttpStatusCode.Forbidden, "the partner's approval reaching Deals");
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        return (partnerId, (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), email);
    }
}
