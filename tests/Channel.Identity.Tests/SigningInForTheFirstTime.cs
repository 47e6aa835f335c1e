using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Identity;
using Channel.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Channel.Identity.Tests;

/// <summary>A partner's new user: invited by the Partners service's event, sets a password from the mail's link, signs in through the code flow.</summary>
public sealed class SigningInForTheFirstTime(IdentityApp app) : IClassFixture<IdentityApp>
{
    const string Password = "plum orbit candle harbour";

    [Fact]
    public async Task A_new_partner_user_is_invited_sets_a_password_and_gets_tokens_that_name_its_partner()
    {
        var email = $"pat-{Guid.NewGuid():N}@northwind.example";
        var (partnerId, userId, invitation) = await app.PartnerUser(email);
        Assert.Equal(email, invitation.Account.Email);
        Assert.Equal("Northwind Networks", invitation.OrganisationName);
        Assert.InRange(invitation.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromHours(71), TimeSpan.FromHours(72));
        Assert.StartsWith("http://localhost/identity/account/set-password?ticket=", invitation.Link);
        // Only the secret's hash is kept.
        Assert.Equal(1L, await app.Db.Scalar<long>("select count(*) from account_tickets where secret_hash = sha256(convert_to(@t, 'UTF8'))",
            new { t = Uri.UnescapeDataString(invitation.Link.Split("ticket=")[1]) }));

        var browser = app.Browser();
        var page = await browser.Html(IdentityApp.Local(invitation.Link));
        Assert.Contains(email, page);
        using (var saved = await browser.Submit(page, ("password", Password), ("confirm", Password)))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            Assert.Contains("Your password is saved", await saved.Content.ReadAsStringAsync());
        }
        // The link worked once.
        Assert.Contains("expired", await app.Browser().Html(IdentityApp.Local(invitation.Link), HttpStatusCode.Gone));
        Assert.Equal("enabled", await app.Db.Scalar<string>("select status from accounts where id = @userId", new { userId }));

        var flow = IdentityApp.Flow();
        var code = await flow.SignIn(app.Browser(), email, Password);
        var (status, tokens) = await flow.Redeem(app.CreateClient(), code);
        Assert.Equal(HttpStatusCode.OK, status);

        var access = new JsonWebTokenHandler().ReadJsonWebToken(tokens.GetProperty("access_token").GetString());
        Assert.Equal(userId.ToString(), access.Subject);
        Assert.Equal("partner", access.GetClaim("role").Value);
        Assert.Equal(partnerId.ToString(), access.GetClaim("partner_id").Value);
        Assert.Equal("http://localhost/identity/", access.Issuer);
        Assert.Contains("channel", access.Audiences);
        Assert.Equal("RS256", access.Alg);
        Assert.InRange(access.ValidTo - access.IssuedAt, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));
        Assert.True(tokens.TryGetProperty("refresh_token", out _));
        Assert.True(tokens.TryGetProperty("id_token", out _));

        // The token opens the API as that person.
        var api = app.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("access_token").GetString());
        var me = await api.GetFromJsonAsync<JsonElement>("/api/identity/me");
        Assert.Equal(email, me.GetProperty("email").GetString());
        Assert.Equal(partnerId, me.GetProperty("partnerId").GetGuid());

        // A code works once.
        Assert.Equal(HttpStatusCode.BadRequest, (await flow.Redeem(app.CreateClient(), code)).Status);
    }

    [Fact]
    public async Task A_code_is_refused_without_its_PKCE_verifier()
    {
        var email = $"pia-{Guid.NewGuid():N}@northwind.example";
        var (_, _, invitation) = await app.PartnerUser(email);
        await SetPassword(invitation);
        var flow = IdentityApp.Flow();
        var code = await flow.SignIn(app.Browser(), email, Password);

        var (status, body) = await flow.Redeem(app.CreateClient(), code, verifier: IdentityApp.Flow().Verifier);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_refresh_token_works_once_and_its_reuse_ends_the_whole_sign_in()
    {
        var email = $"ray-{Guid.NewGuid():N}@northwind.example";
        var (_, _, invitation) = await app.PartnerUser(email);
        await SetPassword(invitation);
        var flow = IdentityApp.Flow();
        var (_, tokens) = await flow.Redeem(app.CreateClient(), await flow.SignIn(app.Browser(), email, Password));
        var first = tokens.GetProperty("refresh_token").GetString()!;

        var (status, renewed) = await IdentityApp.Flow().Refresh(app.CreateClient(), first);
        Assert.Equal(HttpStatusCode.OK, status);
        var second = renewed.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(first, second);

        // The first one again (a stolen copy): refused, and the one issued in its place dies with it.
        Assert.Equal(HttpStatusCode.BadRequest, (await IdentityApp.Flow().Refresh(app.CreateClient(), first)).Status);
        var (after, body) = await IdentityApp.Flow().Refresh(app.CreateClient(), second);
        Assert.Equal(HttpStatusCode.BadRequest, after);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        // An admin sees it happen, with whose sign-in it was and the client.
        var account = await app.Db.Scalar<Guid>("select id from accounts where email = @email", new { email });
        Assert.Equal(1L, await app.Db.Scalar<long>(
            "select count(*) from audit where account_id = @account and kind = 'refresh_token_reused' and client_id = @client and detail like 'a used refresh token%'",
            new { account, client = IdentityApp.PortalClient }));
    }

    [Fact]
    public async Task A_password_that_breaks_the_rule_is_refused_with_the_reason_and_the_link_still_works()
    {
        var email = $"wes-{Guid.NewGuid():N}@northwind.example";
        var (_, userId, invitation) = await app.PartnerUser(email, "Wesley Snipes");
        var browser = app.Browser();

        foreach (var (password, reason) in new[]
        {
            ("short1!", "at least 12"),
            ("password1234", "too common"),
            ("Qwertyuiop123!", "too common"),
            ("wesley-is-my-name-42", "your name"),
        })
        {
            var page = await browser.Html(IdentityApp.Local(invitation.Link));
            using var refused = await browser.Submit(page, ("password", password), ("confirm", password));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(reason, await refused.Content.ReadAsStringAsync());
        }
        var again = await browser.Html(IdentityApp.Local(invitation.Link));
        using var mismatch = await browser.Submit(again, ("password", Password), ("confirm", Password + "x"));
        Assert.Contains("not the same", await mismatch.Content.ReadAsStringAsync());

        Assert.Equal("invited", await app.Db.Scalar<string>("select status from accounts where id = @userId", new { userId }));
        Assert.Null(await app.Db.Scalar<string?>("select password_hash from accounts where id = @userId", new { userId }));
    }

    async Task SetPassword(AccountInvited invitation)
    {
        var browser = app.Browser();
        var page = await browser.Html(IdentityApp.Local(invitation.Link));
        using var saved = await browser.Submit(page, ("password", Password), ("confirm", Password));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
    }
}
