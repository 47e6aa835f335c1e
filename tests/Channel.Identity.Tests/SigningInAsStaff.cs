using System.Net;
using System.Text.Json;
using Channel.Contracts.Identity;
using Channel.Testing;
using Dapper;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Channel.Identity.Tests;

/// <summary>The provider with vendor staff signing in through their own organisation's provider (a second OpenIddict).</summary>
public sealed class IdentityWithStaffProvider : IdentityApp
{
    public StaffProvider Staff { get; private set; } = null!;

    protected override async Task BeforeStart() => Staff = await StaffProvider.Start("http://localhost/identity/account/external/callback");

    protected override Task AfterStop() => Staff.DisposeAsync().AsTask();

    protected override IEnumerable<(string Key, string Value)> More =>
    [
        ("Identity:StaffSignIn:Authority", Staff.Issuer),
        ("Identity:StaffSignIn:ClientId", StaffProvider.ClientId),
        ("Identity:StaffSignIn:ClientSecret", StaffProvider.ClientSecret),
        ("Identity:StaffSignIn:DisplayName", "Contoso SSO"),
        ("Identity:StaffSignIn:RequireHttpsMetadata", "false"),
        ("Identity:StaffSignIn:Roles:channel-managers", "channel-manager"),
        ("Identity:StaffSignIn:Roles:sales-leaders", "leadership"),
        ("Identity:StaffSignIn:Roles:it-admins", "admin"),
    ];
}

/// <summary>
/// Single sign-on for vendor staff: the person signs in at their organisation's provider, comes back with their
/// groups, and gets the Channel role those groups map to; no group, no entry; a partner's user cannot come in that way.
/// </summary>
public sealed class SigningInAsStaff(IdentityWithStaffProvider app) : IClassFixture<IdentityWithStaffProvider>
{
    [Fact]
    public async Task A_staff_member_signs_in_at_their_organisation_and_gets_the_role_their_groups_map_to_and_it_follows_the_groups()
    {
        var email = $"morgan-{Guid.NewGuid():N}"[..15] + "@vendor.example";
        var subject = $"contoso-{Guid.NewGuid():N}";
        app.Staff.AtTheKeyboard = new StaffProvider.Person(subject, email, "Morgan Reid", "everyone", "channel-managers");

        var flow = IdentityApp.Flow();
        using var browser = app.Browser();
        var arrived = await ThroughTheProvider(browser, flow);
        Assert.Equal(HttpStatusCode.Redirect, arrived.StatusCode);
        var (status, tokens) = await flow.Redeem(browser, await flow.CodeFrom(browser, arrived.Location()));
        Assert.Equal(HttpStatusCode.OK, status);
        var access = new JsonWebToken(tokens.GetProperty("access_token").GetString());
        Assert.Equal("channel-manager", access.GetClaim("role").Value);
        Assert.Equal(email, access.GetClaim("email").Value);
        Assert.Equal("ext", access.GetClaim("amr").Value);

        await using var db = await app.Db.Open();
        var account = await db.QuerySingleAsync<(Guid Id, string Role, string Status, string? PasswordHash, string ExternalIssuer, string ExternalSubject)>(
            "select id, role, status, password_hash, external_issuer, external_subject from accounts where email = @email", new { email });
        Assert.Equal((access.Subject, "channel-manager", "enabled", null, app.Staff.Issuer, subject),
            (account.Id.ToString(), account.Role, account.Status, account.PasswordHash, account.ExternalIssuer, account.ExternalSubject));

        // Who hears about what among the vendor's people follows the account (Notifications reads this).
        await app.Bus.WaitFor<StaffAccountChanged>(e => e.AccountId == account.Id && e.Account.Role == "channel-manager" && e.PreviousRole == null);

        // Moved from the channel team to sales leadership at the provider: the next sign-in carries the new role, and the
        // earlier sign-in's refresh token (with the old role) no longer works.
        app.Staff.AtTheKeyboard = app.Staff.AtTheKeyboard with { Groups = ["everyone", "sales-leaders"] };
        var again = IdentityApp.Flow();
        using var later = app.Browser();
        var back = await ThroughTheProvider(later, again);
        var (_, newer) = await again.Redeem(later, await again.CodeFrom(later, back.Location()));
        Assert.Equal("leadership", new JsonWebToken(newer.GetProperty("access_token").GetString()).GetClaim("role").Value);
        Assert.Equal(account.Id.ToString(), new JsonWebToken(newer.GetProperty("access_token").GetString()).Subject);
        await app.Bus.WaitFor<StaffAccountChanged>(e => e.AccountId == account.Id && e.Account.Role == "leadership" && e.PreviousRole == "channel-manager");
        var (refreshed, _) = await flow.Refresh(browser, tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.BadRequest, refreshed);
        Assert.Equal(1, await db.ExecuteScalarAsync<long>("select count(*) from accounts where lower(email) = lower(@email)", new { email }));
    }

    [Fact]
    public async Task An_invited_staff_account_is_taken_up_by_its_owner_signing_in_at_the_provider()
    {
        var email = $"lee-{Guid.NewGuid():N}"[..12] + "@vendor.example";
        using var admin = app.CreateClient().As("admin");
        var created = await admin.PostAsync("/api/identity/accounts", JsonContent(new { email, name = "Lee Park", role = "leadership" }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

        app.Staff.AtTheKeyboard = new StaffProvider.Person($"contoso-{Guid.NewGuid():N}", email.ToUpperInvariant(), "Lee Park", "sales-leaders");
        var flow = IdentityApp.Flow();
        using var browser = app.Browser();
        var arrived = await ThroughTheProvider(browser, flow);
        var (_, tokens) = await flow.Redeem(browser, await flow.CodeFrom(browser, arrived.Location()));
        Assert.Equal(id.ToString(), new JsonWebToken(tokens.GetProperty("access_token").GetString()).Subject);
        Assert.Equal("enabled", await app.Db.Scalar<string>("select status from accounts where id = @id", new { id }));
    }

    [Fact]
    public async Task Nobody_comes_in_without_a_mapped_group_and_a_partners_user_never_comes_in_this_way()
    {
        var stranger = $"temp-{Guid.NewGuid():N}"[..13] + "@vendor.example";
        app.Staff.AtTheKeyboard = new StaffProvider.Person($"contoso-{Guid.NewGuid():N}", stranger, "Temp Worker", "everyone", "contractors");
        using (var browser = app.Browser())
        {
            var refused = await ThroughTheProvider(browser, IdentityApp.Flow());
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("has no Channel role", await refused.Content.ReadAsStringAsync());
        }
        Assert.Equal(0L, await app.Db.Scalar<long>("select count(*) from accounts where lower(email) = lower(@stranger)", new { stranger }));
        Assert.Equal(1L, await app.Db.Scalar<long>(
            "select count(*) from audit where lower(email) = lower(@stranger) and kind = 'sign_in_refused' and detail like '%no group mapped%'", new { stranger }));

        // The provider says a partner's user is a channel manager: the account is a partner's, so no.
        var partnerUser = $"pat-{Guid.NewGuid():N}"[..12] + "@northwind.example";
        var (_, userId, _) = await app.PartnerUser(partnerUser);
        app.Staff.AtTheKeyboard = new StaffProvider.Person($"contoso-{Guid.NewGuid():N}", partnerUser, "Pat Partner", "channel-managers");
        using (var browser = app.Browser())
        {
            var refused = await ThroughTheProvider(browser, IdentityApp.Flow());
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("who signs in with a password", await refused.Content.ReadAsStringAsync());
        }
        Assert.Equal(("partner", (string?)null), await Role(userId));
    }

    async Task<(string Role, string? ExternalSubject)> Role(Guid id)
    {
        await using var db = await app.Db.Open();
        return await db.QuerySingleAsync<(string, string?)>("select role, external_subject from accounts where id = @id", new { id });
    }

    static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    /// <summary>
    /// From the client's authorization request to the sign-in page, its "Sign in with Contoso SSO", the provider (where the
    /// person is already signed in), and back: the answer of the last step here (a redirect on into the authorization, or a refusal).
    /// </summary>
    async Task<HttpResponseMessage> ThroughTheProvider(HttpClient browser, CodeFlow flow)
    {
        var toSignIn = await browser.GetAsync(flow.AuthorizeUrl());
        var signIn = toSignIn.Location();
        var page = await browser.Html(signIn);
        Assert.Contains("Sign in with Contoso SSO", page);
        var returnUrl = System.Web.HttpUtility.ParseQueryString(new Uri(new Uri("http://localhost"), signIn).Query)["returnUrl"]!;
        var toProvider = await browser.GetAsync($"/identity/account/external?returnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal(HttpStatusCode.Redirect, toProvider.StatusCode);
        Assert.StartsWith(app.Staff.Issuer, toProvider.Location());
        using var outside = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var answer = await outside.GetAsync(toProvider.Location());
        Assert.True(answer.StatusCode == HttpStatusCode.Redirect, $"the provider answered {answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        var callback = await browser.GetAsync(new Uri(answer.Location()).PathAndQuery);
        Assert.True(callback.StatusCode == HttpStatusCode.Redirect, $"the callback answered {callback.StatusCode}: {await callback.Content.ReadAsStringAsync()}");
        return await browser.GetAsync(callback.Location());
    }
}
