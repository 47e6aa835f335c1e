using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Channel.Contracts.Distributors;
using Channel.Contracts.Identity;
using Channel.Contracts.Partners;
using Channel.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OtpNet;

namespace Channel.Identity.Tests;

/// <summary>What stands between a stranger and an account: lockout, resets, a second factor, the partner's own standing, and the keys.</summary>
public sealed class GuardingAccounts(IdentityApp app) : IClassFixture<IdentityApp>
{
    const string Password = "velvet canyon lantern mosaic";

    async Task<(Guid PartnerId, Guid UserId, string Email)> Ready(string name)
    {
        var email = $"{name}-{Guid.NewGuid():N}@northwind.example";
        var (partnerId, userId, invitation) = await app.PartnerUser(email, "Sam Sample");
        var browser = app.Browser();
        using var saved = await browser.Submit(await browser.Html(IdentityApp.Local(invitation.Link)), ("password", Password), ("confirm", Password));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        return (partnerId, userId, email);
    }

    static async Task<HttpResponseMessage> TrySignIn(HttpClient browser, string email, string password, CodeFlow? flow = null)
    {
        var toSignIn = await browser.GetAsync((flow ?? IdentityApp.Flow()).AuthorizeUrl());
        var page = await browser.Html(toSignIn.Location());
        return await browser.Submit(page, ("email", email), ("password", password));
    }

    [Fact]
    public async Task Wrong_passwords_lock_the_account_even_against_the_right_one_until_an_admin_unlocks_it()
    {
        var (_, userId, email) = await Ready("lou");
        for (var i = 0; i < 2; i++)
        {
            using var wrong = await TrySignIn(app.Browser(), email, "not the password at all");
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Contains("not right", await wrong.Content.ReadAsStringAsync());
        }
        using (var third = await TrySignIn(app.Browser(), email, "still not the password"))
            Assert.Contains("locked until", await third.Content.ReadAsStringAsync());
        var locked = await app.Bus.WaitFor<AccountLockedOut>(e => e.AccountId == userId);
        Assert.True(locked.LockedUntil > DateTimeOffset.UtcNow.AddMinutes(10));

        using (var right = await TrySignIn(app.Browser(), email, Password))
        {
            Assert.Equal(HttpStatusCode.BadRequest, right.StatusCode);
            Assert.Contains("locked until", await right.Content.ReadAsStringAsync());
        }

        var admin = app.CreateClient().As("admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/identity/accounts/{userId}/unlock", null)).StatusCode);
        await IdentityApp.Flow().SignIn(app.Browser(), email, Password);

        var audit = await admin.GetFromJsonAsync<JsonElement>($"/api/identity/audit?accountId={userId}");
        var kinds = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        // Newest first.
        Assert.Equal(["signed_in", "unlocked", "sign_in_refused", "locked_out", "sign_in_failed", "sign_in_failed", "password_set"], kinds);
    }

    [Fact]
    public async Task A_reset_link_sets_a_new_password_and_ends_every_earlier_session()
    {
        var (_, userId, email) = await Ready("rhea");
        var flow = IdentityApp.Flow();
        var (_, tokens) = await flow.Redeem(app.CreateClient(), await flow.SignIn(app.Browser(), email, Password));

        // The same answer whether or not the address has an account.
        Assert.Equal(HttpStatusCode.Accepted, (await app.CreateClient().PostAsJsonAsync("/api/identity/password-resets", new { email })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted,
            (await app.CreateClient().PostAsJsonAsync("/api/identity/password-resets", new { email = "nobody@nowhere.example" })).StatusCode);
        var reset = await app.Bus.WaitFor<PasswordResetRequested>(e => e.AccountId == userId);
        Assert.Contains("/identity/account/reset-password?ticket=", reset.Link);

        const string NewPassword = "harvest meteor quilt ember";
        var browser = app.Browser();
        using (var saved = await browser.Submit(await browser.Html(IdentityApp.Local(reset.Link)), ("password", NewPassword), ("confirm", NewPassword)))
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await IdentityApp.Flow().Refresh(app.CreateClient(), tokens.GetProperty("refresh_token").GetString()!)).Status);
        using (var old = await TrySignIn(app.Browser(), email, Password)) Assert.Equal(HttpStatusCode.BadRequest, old.StatusCode);
        await IdentityApp.Flow().SignIn(app.Browser(), email, NewPassword);
        Assert.Contains(app.Bus.Of<AccountPasswordChanged>(), e => e.AccountId == userId && !e.FirstPassword);
    }

    [Fact]
    public async Task An_authenticator_app_once_enrolled_is_asked_for_at_every_sign_in_and_a_wrong_code_is_refused()
    {
        var (_, userId, email) = await Ready("tao");
        var browser = app.Browser();
        await IdentityApp.Flow().SignIn(browser, email, Password);
        var setup = await browser.Html("/identity/account/two-factor/setup");
        var key = System.Text.RegularExpressions.Regex.Match(setup, "data-testid=\"totp-key\">([A-Z2-7]+)<").Groups[1].Value;
        Assert.Contains("<svg", setup);
        var totp = new Totp(Base32Encoding.ToBytes(key));
        using (var wrong = await browser.Submit(setup, ("code", "000000")))
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        using (var enrolled = await browser.Submit(setup, ("code", totp.ComputeTotp(DateTime.UtcNow))))
            Assert.Contains("set up", await enrolled.Content.ReadAsStringAsync());
        Assert.True(await app.Db.Scalar<bool>("select totp_enabled_at is not null from accounts where id = @userId", new { userId }));

        var flow = IdentityApp.Flow();
        var next = app.Browser();
        using var toCode = await TrySignIn(next, email, Password, flow);
        Assert.EndsWith("/identity/account/two-factor", toCode.Location());
        var codePage = await next.Html(toCode.Location());
        using (var bad = await next.Submit(codePage, ("code", "123456"))) Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        // The next step's code (the current one was spent on enrolment).
        using var back = await next.Submit(codePage, ("code", totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30))));
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        var (status, tokens) = await flow.Redeem(app.CreateClient(), await flow.CodeFrom(next, back.Location()));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("otp", new JsonWebToken(tokens.GetProperty("access_token").GetString()).GetClaim("amr").Value);
        Assert.Equal(2L, await app.Db.Scalar<long>("select count(*) from audit where account_id = @userId and kind = 'signed_in'", new { userId }));
    }

    [Fact]
    public async Task A_suspended_partners_user_cannot_sign_in_and_its_refresh_token_is_dead()
    {
        var (partnerId, userId, email) = await Ready("sue");
        var flow = IdentityApp.Flow();
        var (_, tokens) = await flow.Redeem(app.CreateClient(), await flow.SignIn(app.Browser(), email, Password));
        var refresh = tokens.GetProperty("refresh_token").GetString()!;

        await app.Bus.Publish(new PartnerSuspended
        {
            PartnerId = partnerId,
            Version = 3,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "manager",
            Reason = "compliance review",
            Partner = IdentityApp.PartnerState(PartnerStatus.Suspended),
        });
        await app.Db.WaitFor("select count(*) from organisations where id = @partnerId and not active", args: new { partnerId });

        var (status, body) = await IdentityApp.Flow().Refresh(app.CreateClient(), refresh);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        using var refused = await TrySignIn(app.Browser(), email, Password);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("suspended", await refused.Content.ReadAsStringAsync());
        Assert.Equal(1L, await app.Db.Scalar<long>("select count(*) from audit where account_id = @userId and kind = 'sign_in_refused'", new { userId }));
    }

    [Fact]
    public async Task A_suspended_distributors_user_cannot_sign_in_and_its_refresh_token_is_dead_until_it_is_reinstated()
    {
        var email = $"dee-{Guid.NewGuid():N}@pacific.example";
        var distributorId = Guid.NewGuid();
        var userId = Guid.NewGuid();
        DistributorState State(string status) => new() { Name = "Pacific Distribution", Countries = ["US"], Regions = ["CA"], Status = status };
        await app.Bus.Publish(new DistributorUserAdded
        {
            DistributorId = distributorId,
            Version = 2,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "manager",
            User = new DistributorUser { UserId = userId, Name = "Dee Dist", Email = email, Role = "sales" },
            Distributor = State(DistributorStatus.Active),
        });
        var invitation = await app.Bus.WaitFor<AccountInvited>(i => i.AccountId == userId);
        var browser = app.Browser();
        using (var saved = await browser.Submit(await browser.Html(IdentityApp.Local(invitation.Link)), ("password", Password), ("confirm", Password)))
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var flow = IdentityApp.Flow();
        var (_, tokens) = await flow.Redeem(app.CreateClient(), await flow.SignIn(app.Browser(), email, Password));
        Assert.Equal(distributorId.ToString(), new JsonWebToken(tokens.GetProperty("access_token").GetString()).GetClaim("distributor_id").Value);

        await app.Bus.Publish(new DistributorStatusChanged
        {
            DistributorId = distributorId,
            Version = 3,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "manager",
            Distributor = State(DistributorStatus.Suspended),
            PreviousStatus = DistributorStatus.Active,
            Reason = "Agreement lapsed.",
        });
        await app.Db.WaitFor("select count(*) from organisations where id = @distributorId and not active", args: new { distributorId });
        Assert.Equal(HttpStatusCode.BadRequest, (await IdentityApp.Flow().Refresh(app.CreateClient(), tokens.GetProperty("refresh_token").GetString()!)).Status);
        using (var refused = await TrySignIn(app.Browser(), email, Password))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("distributor", await refused.Content.ReadAsStringAsync());
        }

        await app.Bus.Publish(new DistributorStatusChanged
        {
            DistributorId = distributorId,
            Version = 4,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "manager",
            Distributor = State(DistributorStatus.Active),
            PreviousStatus = DistributorStatus.Suspended,
        });
        await app.Db.WaitFor("select count(*) from organisations where id = @distributorId and active", args: new { distributorId });
        var again = IdentityApp.Flow();
        var (status, _) = await again.Redeem(app.CreateClient(), await again.SignIn(app.Browser(), email, Password));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task After_a_rotation_a_token_of_the_old_key_holds_until_it_expires_and_one_of_an_unknown_key_is_refused()
    {
        var (_, _, email) = await Ready("kai");
        var flow = IdentityApp.Flow();
        var (_, tokens) = await flow.Redeem(app.CreateClient(), await flow.SignIn(app.Browser(), email, Password));
        var old = tokens.GetProperty("access_token").GetString()!;
        var admin = app.CreateClient().As("admin");

        using (var rotated = await admin.PostAsJsonAsync("/api/identity/admin/keys/rotate", new { revokeOthers = false }))
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var keys = await admin.GetFromJsonAsync<JsonElement>("/api/identity/admin/keys");
        var signing = keys.EnumerateArray().Single(k => k.GetProperty("signsNow").GetBoolean()).GetProperty("id").GetString();
        Assert.NotEqual(new JsonWebToken(old).Kid, signing);
        var jwks = await app.CreateClient().GetFromJsonAsync<JsonElement>("/identity/.well-known/jwks");
        var published = jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()).ToList();
        Assert.Contains(new JsonWebToken(old).Kid, published);
        Assert.Contains(signing, published);

        Assert.Equal(HttpStatusCode.OK, (await Me(old)).StatusCode);
        var again = IdentityApp.Flow();
        var (_, fresh) = await again.Redeem(app.CreateClient(), await again.SignIn(app.Browser(), email, Password));
        Assert.Equal(signing, new JsonWebToken(fresh.GetProperty("access_token").GetString()).Kid);

        // Same claims, signed by a key nobody published.
        using var stranger = RSA.Create(2048);
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "http://localhost/identity/",
            Audience = "channel",
            Subject = new ClaimsIdentity([new Claim("sub", Guid.NewGuid().ToString()), new Claim("role", "admin")]),
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(stranger) { KeyId = new JsonWebToken(old).Kid }, SecurityAlgorithms.RsaSha256),
        });
        Assert.Equal(HttpStatusCode.Unauthorized, (await Me(forged)).StatusCode);

        // An exposed key withdrawn: what it signed is refused at once.
        using (var withdrawn = await admin.PostAsJsonAsync("/api/identity/admin/keys/rotate", new { revokeOthers = true }))
            Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Me(old)).StatusCode);
    }

    async Task<HttpResponseMessage> Me(string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.GetAsync("/api/identity/me");
    }

    [Fact]
    public async Task An_integration_gets_a_token_of_its_own_role_with_client_credentials_and_a_wrong_secret_gets_none()
    {
        var (status, body) = await CodeFlow.Token(app.CreateClient(), new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = IdentityApp.IntegrationClient,
            ["client_secret"] = IdentityApp.IntegrationSecret,
        });
        Assert.Equal(HttpStatusCode.OK, status);
        var token = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal("leadership", token.GetClaim("role").Value);
        Assert.Equal(IdentityApp.IntegrationClient, token.Subject);

        var (refused, error) = await CodeFlow.Token(app.CreateClient(), new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = IdentityApp.IntegrationClient,
            ["client_secret"] = "guessed",
        });
        Assert.Equal(HttpStatusCode.Unauthorized, refused);
        Assert.Equal("invalid_client", error.GetProperty("error").GetString());
    }
}
