using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Channel.Contracts.Identity;
using Channel.Contracts.Partners;
using Channel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Channel.Identity.Tests;

/// <summary>
/// The Identity service in process on its own database and virtual host; the tests play the
/// Partners and Distributors services' events and read the account events (the invitation's link
/// among them) as Notifications would. The portal is a confidential client with PKCE.
/// </summary>
public class IdentityApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string PortalClient = "channel-portal";
    public const string PortalSecret = "portal-secret-for-tests-only";
    public const string RedirectUri = "https://portal.test/signin-callback";
    public const string IntegrationClient = "acme-erp";
    public const string IntegrationSecret = "erp-secret-for-tests-only";

    public TestDatabase Db { get; private set; } = null!;
    public TestVirtualHost Broker { get; private set; } = null!;
    public EventCollector Bus { get; private set; } = null!;

    protected virtual bool StaffNeedTwoFactor => false;

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.Create("identity");
        Broker = await TestVirtualHost.Create("identity");
        Bus = await EventCollector.Start(Broker.Uri, "test-identity-events", EventCollector.Implementing<IAccountEvent>());
        _ = Server;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Db", Db.ConnectionString);
        builder.UseSetting("RabbitMq:Uri", Broker.Uri);
        builder.UseSetting("Auth:SigningKey", TestEnvironment.SigningKeyBase64);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Identity:PublicUrl", "http://localhost");
        builder.UseSetting("Identity:RequireHttps", "false");
        builder.UseSetting("Identity:MaxFailedSignIns", "3");
        builder.UseSetting("Identity:SignInsPerMinute", "1000");
        builder.UseSetting("Identity:RequireTwoFactorForStaff", StaffNeedTwoFactor ? "true" : "false");
        builder.UseSetting("Identity:Clients:0:ClientId", PortalClient);
        builder.UseSetting("Identity:Clients:0:ClientSecret", PortalSecret);
        builder.UseSetting("Identity:Clients:0:DisplayName", "Channel portal");
        builder.UseSetting("Identity:Clients:0:RedirectUris:0", RedirectUri);
        builder.UseSetting("Identity:Clients:0:PostLogoutRedirectUris:0", "https://portal.test/");
        builder.UseSetting("Identity:Clients:1:ClientId", IntegrationClient);
        builder.UseSetting("Identity:Clients:1:ClientSecret", IntegrationSecret);
        builder.UseSetting("Identity:Clients:1:DisplayName", "Acme ERP");
        builder.UseSetting("Identity:Clients:1:GrantTypes:0", "client_credentials");
        builder.UseSetting("Identity:Clients:1:Role", "leadership");
    }

    /// <summary>A client that keeps cookies (one browser) and does not follow redirects (the test reads each).</summary>
    public HttpClient Browser() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>An active partner with one user, as the Partners service announces them; the account's invitation comes back.</summary>
    public async Task<(Guid PartnerId, Guid UserId, AccountInvited Invitation)> PartnerUser(string email, string name = "Pat Partner")
    {
        var partnerId = Guid.NewGuid();
        var userId = Guid.NewGuid();
        await Bus.Publish(new PartnerUserAdded
        {
            PartnerId = partnerId,
            Version = 2,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "manager",
            User = new PartnerUser { UserId = userId, Name = name, Email = email, Role = "admin" },
            Partner = PartnerState(PartnerStatus.Active),
        });
        var invitation = await Bus.WaitFor<AccountInvited>(i => i.AccountId == userId);
        return (partnerId, userId, invitation);
    }

    public static PartnerState PartnerState(string status) => new()
    {
        LegalName = "Northwind Networks",
        Country = "US",
        Region = "west",
        WebsiteDomain = "northwind.example",
        PartnerType = "reseller",
        Status = status,
        Tier = "gold",
        AppliedAt = DateTimeOffset.UtcNow.AddDays(-3),
        ActiveSinceVersion = 2,
    };

    /// <summary>The link's path and query, as the browser would open it here.</summary>
    public static string Local(string link) => new Uri(link).PathAndQuery;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Bus.DisposeAsync();
        await base.DisposeAsync();
        await Broker.DisposeAsync();
        await Db.DisposeAsync();
    }
}

/// <summary>A browser without a browser: reads the sign-in pages' forms and posts them, as a person would.</summary>
public static partial class Pages
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiForgery();

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex Action();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex Hidden();

    public static async Task<string> Html(this HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {path}: {response.StatusCode}\n{html}");
        return html;
    }

    /// <summary>Fills the page's (first) form and submits it; hidden fields and the anti-forgery token go along.</summary>
    public static async Task<HttpResponseMessage> Submit(this HttpClient client, string html, params (string Name, string Value)[] fields)
    {
        var values = Hidden().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        foreach (var (name, value) in fields) values[name] = value;
        Assert.Matches(AntiForgery(), html);
        var action = WebUtility.HtmlDecode(Action().Match(html).Groups[1].Value);
        return await client.PostAsync(action, new FormUrlEncodedContent(values));
    }

    public static string Location(this HttpResponseMessage response) =>
        response.Headers.Location is { } l ? (l.IsAbsoluteUri ? l.ToString() : l.OriginalString) : throw new Xunit.Sdk.XunitException($"no redirect: {response.StatusCode}");
}

/// <summary>The portal's side of the code flow with PKCE.</summary>
public sealed class CodeFlow
{
    public string Verifier { get; } = Base64Url(RandomNumberGenerator.GetBytes(32));
    public string State { get; } = Guid.NewGuid().ToString("N");
    string Challenge => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));

    public string AuthorizeUrl(string client = IdentityApp.PortalClient, string redirect = IdentityApp.RedirectUri) =>
        $"/identity/connect/authorize?client_id={client}&redirect_uri={Uri.EscapeDataString(redirect)}&response_type=code" +
        $"&scope={Uri.EscapeDataString("openid profile email roles offline_access")}&code_challenge={Challenge}&code_challenge_method=S256&state={State}";

    /// <summary>Runs the sign-in from the authorization request to the code, through the pages, and returns the code.</summary>
    public async Task<string> SignIn(HttpClient browser, string email, string password)
    {
        var toSignIn = await browser.GetAsync(AuthorizeUrl());
        Assert.Equal(HttpStatusCode.Redirect, toSignIn.StatusCode);
        var page = await browser.Html(toSignIn.Location());
        var back = await browser.Submit(page, ("email", email), ("password", password));
        Assert.True(back.StatusCode == HttpStatusCode.Redirect, $"sign-in answered {back.StatusCode}: {await back.Content.ReadAsStringAsync()}");
        return await CodeFrom(browser, back.Location());
    }

    public async Task<string> CodeFrom(HttpClient browser, string authorizeUrl)
    {
        var toClient = await browser.GetAsync(authorizeUrl);
        Assert.True(toClient.StatusCode == HttpStatusCode.Redirect, $"authorize answered {toClient.StatusCode}: {await toClient.Content.ReadAsStringAsync()}");
        var location = new Uri(toClient.Location());
        Assert.StartsWith(IdentityApp.RedirectUri, location.ToString());
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        Assert.Equal(State, query["state"]);
        return query["code"] ?? throw new Xunit.Sdk.XunitException($"no code: {location}");
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> Redeem(HttpClient client, string code, string? verifier = null) =>
        await Token(client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = IdentityApp.RedirectUri,
            ["code_verifier"] = verifier ?? Verifier,
            ["client_id"] = IdentityApp.PortalClient,
            ["client_secret"] = IdentityApp.PortalSecret,
        });

    public static async Task<(HttpStatusCode Status, JsonElement Body)> Refresh(HttpClient client, string refreshToken) =>
        await Token(client, new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = IdentityApp.PortalClient,
            ["client_secret"] = IdentityApp.PortalSecret,
        });

    public static async Task<(HttpStatusCode Status, JsonElement Body)> Token(HttpClient client, Dictionary<string, string> form)
    {
        using var response = await client.PostAsync("/identity/connect/token", new FormUrlEncodedContent(form));
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
