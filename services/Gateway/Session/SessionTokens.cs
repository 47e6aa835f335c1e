using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Channel.Gateway.Session;

/// <summary>
/// The sessions' refresh tokens, at the Identity service's token endpoint. A refresh token works once (a second
/// use is taken for theft and ends the whole sign-in), and the dashboard sends several calls at once with the
/// same cookie: so one refresh per refresh token runs, the calls that come with it wait for it, and the result
/// is kept a little while for the calls still in flight with the old cookie.
/// </summary>
public sealed class SessionTokens(IOptionsMonitor<OpenIdConnectOptions> options, SessionSettings settings, ILogger<SessionTokens> logger)
{
    public sealed record Refreshed(string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt);

    readonly ConcurrentDictionary<string, Lazy<Task<Refreshed?>>> inFlight = new();
    readonly ConcurrentDictionary<string, (Refreshed? Result, DateTimeOffset Until)> recent = new();
    readonly ConcurrentDictionary<string, DateTimeOffset> signedOut = new();

    OpenIdConnectOptions Client => options.Get(DashboardSession.SignInScheme);

    /// <summary>New tokens for a refresh token, or null when the provider refuses it (the session is over).</summary>
    public async Task<Refreshed?> Refresh(string refreshToken, CancellationToken ct)
    {
        Forget();
        if (recent.TryGetValue(refreshToken, out var known) && known.Until > DateTimeOffset.UtcNow) return known.Result;
        var run = inFlight.GetOrAdd(refreshToken, token => new Lazy<Task<Refreshed?>>(() => Redeem(token)));
        try
        {
            var result = await run.Value.WaitAsync(ct);
            return result;
        }
        finally
        {
            if (run.Value.IsCompleted) inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<Refreshed?>>>(refreshToken, run));
        }
    }

    async Task<Refreshed?> Redeem(string refreshToken)
    {
        var client = Client;
        var configuration = await client.ConfigurationManager!.GetConfigurationAsync(CancellationToken.None);
        using var response = await client.Backchannel.PostAsync(configuration.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = client.ClientId!,
            ["client_secret"] = client.ClientSecret!,
        }));
        var body = await response.Content.ReadAsStringAsync();
        Refreshed? result = null;
        if (response.IsSuccessStatusCode)
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            result = new Refreshed(root.GetProperty("access_token").GetString()!,
                root.TryGetProperty("refresh_token", out var next) ? next.GetString()! : refreshToken,
                DateTimeOffset.UtcNow.AddSeconds(root.GetProperty("expires_in").GetInt32()));
        }
        else if ((int)response.StatusCode is >= 400 and < 500)
            logger.LogInformation("a dashboard session's refresh token was refused ({Status}): the session ends", (int)response.StatusCode);
        else
            // The provider is away: the call fails now, the session does not (its refresh token was not used up).
            throw new HttpRequestException($"the token endpoint answered {(int)response.StatusCode}", null, response.StatusCode);
        recent[refreshToken] = (result, DateTimeOffset.UtcNow.AddMinutes(2));
        return result;
    }

    /// <summary>
    /// Signing out: the refresh token is revoked at the provider, and this session is refused from now on
    /// even where a copy of its cookie is still presented.
    /// </summary>
    public async Task SignOut(string sessionId, string? refreshToken, CancellationToken ct)
    {
        signedOut[sessionId] = DateTimeOffset.UtcNow + settings.Lifetime;
        if (refreshToken is null) return;
        var client = Client;
        var configuration = await client.ConfigurationManager!.GetConfigurationAsync(ct);
        var endpoint = configuration.AdditionalData.TryGetValue("revocation_endpoint", out var e) ? e?.ToString() : null;
        if (endpoint is null) return;
        try
        {
            using var response = await client.Backchannel.PostAsync(endpoint, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["token"] = refreshToken,
                ["token_type_hint"] = "refresh_token",
                ["client_id"] = client.ClientId!,
                ["client_secret"] = client.ClientSecret!,
            }), ct);
        }
        catch (HttpRequestException ex)
        {
            // The end-session redirect that follows revokes every refresh token of the person anyway.
            logger.LogWarning("revoking a signed-out session's refresh token failed: {Error}", ex.Message);
        }
    }

    public bool WasSignedOut(string sessionId) => signedOut.ContainsKey(sessionId);

    void Forget()
    {
        var now = DateTimeOffset.UtcNow;
        if (recent.Count > 1000)
            foreach (var (key, value) in recent)
                if (value.Until < now) recent.TryRemove(key, out _);
        if (signedOut.Count > 1000)
            foreach (var (key, until) in signedOut)
                if (until < now) signedOut.TryRemove(key, out _);
    }
}
