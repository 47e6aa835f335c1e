using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Channel.Testing;

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

/// <summary>A client's side of the code flow with PKCE (its id, secret and registered redirect address).</summary>
public sealed class CodeFlow(string clientId, string clientSecret, string redirectUri)
{
    public string Verifier { get; } = Base64Url(RandomNumberGenerator.GetBytes(32));
    public string State { get; } = Guid.NewGuid().ToString("N");
    string Challenge => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));

    public string AuthorizeUrl() =>
        $"/identity/connect/authorize?client_id={clientId}&redirect_uri={Uri.EscapeDataString(redirectUri)}&response_type=code" +
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
        Assert.StartsWith(redirectUri, location.ToString());
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        Assert.Equal(State, query["state"]);
        return query["code"] ?? throw new Xunit.Sdk.XunitException($"no code: {location}");
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> Redeem(HttpClient client, string code, string? verifier = null) =>
        await Token(client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = verifier ?? Verifier,
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
        });

    public async Task<(HttpStatusCode Status, JsonElement Body)> Refresh(HttpClient client, string refreshToken) =>
        await Token(client, new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
        });

    public static async Task<(HttpStatusCode Status, JsonElement Body)> Token(HttpClient client, Dictionary<string, string> form)
    {
        using var response = await client.PostAsync("/identity/connect/token", new FormUrlEncodedContent(form));
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
