using System.Security.Cryptography;
using Channel.Hosting.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Channel.Gateway.Session;

/// <summary>The dashboard's sign-in (<c>Gateway:Session</c>); off without a client secret.</summary>
public sealed class SessionSettings
{
    /// <summary>The gateway's registration at the Identity service: a confidential client.</summary>
    public string ClientId { get; set; } = "channel-dashboard";
    public string? ClientSecret { get; set; }
    /// <summary>How long a sign-in lasts at most, however active (the refresh tokens' own lifetime may end it sooner).</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(12);
    /// <summary>An access token this close to its end is refreshed before it goes to a service.</summary>
    public TimeSpan RefreshBefore { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>The cookie is sent over https only (off only for a Channel on one's own machine over http).</summary>
    public bool SecureCookie { get; set; } = true;
    /// <summary>
    /// Where the keys that encrypt the session cookie are kept. Instances of the gateway that share it read
    /// each other's cookies, and a restart signs nobody out; without it each process makes its own.
    /// </summary>
    public string? KeysFolder { get; set; }
}

/// <summary>
/// The gateway as the dashboard's backend-for-frontend. The browser signs in with the authorization-code
/// flow with PKCE at the Identity service, the gateway being a confidential client; the tokens stay in the
/// gateway's session cookie (encrypted, HttpOnly, Secure, SameSite=Lax), never in the page's reach. A call
/// the dashboard makes to <c>/api/**</c> with that cookie (and the <c>X-CSRF</c> header no other site can
/// send) goes on to the service with the session's access token, refreshed first when it is about to end;
/// a caller with its own bearer token is served as before.
/// </summary>
public static class DashboardSession
{
    public const string CookieScheme = "dashboard-session";
    public const string SignInScheme = "dashboard-sign-in";
    const string BearerOrSession = "bearer-or-session";
    public const string CookieName = "channel.session";
    /// <summary>Sent by the dashboard's own scripts with every call; a form or a link on another site cannot send it.</summary>
    public const string CsrfHeader = "X-CSRF";
    const string AccessTokenItem = "channel.session.access-token";
    const string UnavailableItem = "channel.session.unavailable";
    const string SessionIdProperty = ".channel.session";
    const string StartedProperty = ".channel.started";

    public static bool Enabled(IConfiguration config) =>
        !string.IsNullOrEmpty(config["Gateway:Session:ClientSecret"]) && !string.IsNullOrEmpty(config["Auth:Authority"]);

    public static void AddDashboardSession(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var settings = config.GetSection("Gateway:Session").Get<SessionSettings>() ?? new SessionSettings();
        builder.Services.AddSingleton(settings);
        var protection = builder.Services.AddDataProtection().SetApplicationName("channel-gateway");
        if (!string.IsNullOrEmpty(settings.KeysFolder)) protection.PersistKeysToFileSystem(new DirectoryInfo(settings.KeysFolder));
        if (!Enabled(config)) return;

        var authority = config["Auth:Authority"]!;
        var backchannel = Backchannel.From(config);
        builder.Services.AddSingleton<SessionTokens>();
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = BearerOrSession;
                o.DefaultChallengeScheme = JwtBearerDefaults.AuthenticationScheme;
            })
            // A caller's own token wins; the session cookie counts only when there is none.
            .AddPolicyScheme(BearerOrSession, null, o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.Count == 0 && http.Request.Cookies.ContainsKey(CookieName)
                    ? CookieScheme
                    : JwtBearerDefaults.AuthenticationScheme)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = settings.SecureCookie ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = settings.Lifetime;
                o.SlidingExpiration = false;
                o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
                o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
                o.Events.OnSigningIn = c =>
                {
                    c.Properties.Items.TryAdd(SessionIdProperty, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
                    c.Properties.Items.TryAdd(StartedProperty, DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return Task.CompletedTask;
                };
                o.Events.OnValidatePrincipal = Validate;
            })
            .AddOpenIdConnect(SignInScheme, o =>
            {
                o.SignInScheme = CookieScheme;
                o.Authority = authority;
                o.RequireHttpsMetadata = config.GetValue("Auth:RequireHttpsMetadata", true);
                o.ClientId = settings.ClientId;
                o.ClientSecret = settings.ClientSecret;
                o.ResponseType = OpenIdConnectResponseType.Code;
                // Back by a redirect (a top-level GET), so the correlation and nonce cookies can be SameSite=Lax.
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.UsePkce = true;
                o.CallbackPath = "/session/callback";
                o.SignedOutCallbackPath = "/session/signed-out";
                o.SignedOutRedirectUri = "/";
                o.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "email", "roles", "offline_access" }) o.Scope.Add(scope);
                o.SaveTokens = true;
                o.MapInboundClaims = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.TokenValidationParameters.NameClaimType = "name";
                o.TokenValidationParameters.RoleClaimType = "role";
                foreach (var cookie in new[] { o.CorrelationCookie, o.NonceCookie })
                {
                    cookie.SameSite = SameSiteMode.Lax;
                    cookie.SecurePolicy = settings.SecureCookie ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                }
                if (backchannel is not null)
                {
                    // Discovery, keys and the token endpoint at the provider's inside address; the browser uses the public one.
                    o.ConfigurationManager = backchannel.Configuration();
                    o.BackchannelHttpHandler = backchannel.Handler();
                }
                o.Events.OnTokenValidated = c =>
                {
                    if (c.Principal?.FindAll("role").Count() != 1) c.Fail("a person signs in with exactly one role");
                    return Task.CompletedTask;
                };
                // Back from the provider's end-session page (no state of ours comes with it): to the dashboard.
                o.Events.OnSignedOutCallbackRedirect = c =>
                {
                    c.Response.Redirect("/");
                    c.HandleResponse();
                    return Task.CompletedTask;
                };
                o.Events.OnRemoteFailure = c =>
                {
                    // A refused or failed sign-in (an expired attempt, a disabled account) lands on the dashboard's sign-in page, saying so.
                    c.Response.Redirect("/#/sign-in?failed=1");
                    c.HandleResponse();
                    return Task.CompletedTask;
                };
            });
    }

    /// <summary>
    /// Every request with the session cookie: the session ends when its time is up, when it was signed out, or
    /// when its refresh token is refused (the person was signed out everywhere, disabled, or their partner
    /// suspended); otherwise an access token about to end is refreshed and the cookie renewed.
    /// </summary>
    static async Task Validate(CookieValidatePrincipalContext context)
    {
        var http = context.HttpContext;
        var settings = http.RequestServices.GetRequiredService<SessionSettings>();
        var tokens = http.RequestServices.GetRequiredService<SessionTokens>();
        var now = DateTimeOffset.UtcNow;
        var started = long.TryParse(Item(context.Properties, StartedProperty), out var s) ? DateTimeOffset.FromUnixTimeSeconds(s) : now;
        var id = Item(context.Properties, SessionIdProperty) ?? "";
        if (now - started > settings.Lifetime || tokens.WasSignedOut(id))
        {
            await End(context);
            return;
        }
        var access = context.Properties.GetTokenValue("access_token");
        var refresh = context.Properties.GetTokenValue("refresh_token");
        var expiresAt = DateTimeOffset.TryParse(context.Properties.GetTokenValue("expires_at"), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.RoundtripKind, out var e) ? e : now;
        if (expiresAt - now < settings.RefreshBefore)
        {
            if (refresh is null)
            {
                await End(context);
                return;
            }
            SessionTokens.Refreshed? refreshed;
            try
            {
                refreshed = await tokens.Refresh(refresh, http.RequestAborted);
            }
            catch (HttpRequestException) when (expiresAt > now)
            {
                // The provider is away for now: the token still works for a little while.
                http.Items[AccessTokenItem] = access;
                return;
            }
            catch (HttpRequestException)
            {
                http.Items[UnavailableItem] = true;
                context.RejectPrincipal();
                return;
            }
            if (refreshed is null)
            {
                await End(context);
                return;
            }
            access = refreshed.AccessToken;
            context.Properties.UpdateTokenValue("access_token", refreshed.AccessToken);
            context.Properties.UpdateTokenValue("refresh_token", refreshed.RefreshToken);
            context.Properties.UpdateTokenValue("expires_at", refreshed.ExpiresAt.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
            context.ShouldRenew = true;
        }
        http.Items[AccessTokenItem] = access;
    }

    static string? Item(AuthenticationProperties properties, string key) => properties.Items.TryGetValue(key, out var value) ? value : null;

    static async Task End(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieScheme);
    }

    /// <summary>The session's access token, when this request came with the dashboard's session (not a token of its own).</summary>
    public static string? AccessToken(HttpContext http) => http.Items[AccessTokenItem] as string;

    /// <summary>The session's id (to sign it out).</summary>
    public static async Task<(string Id, AuthenticationProperties Properties)?> Current(HttpContext http)
    {
        var result = await http.AuthenticateAsync(CookieScheme);
        return result.Succeeded && Item(result.Properties, SessionIdProperty) is { } id ? (id, result.Properties) : null;
    }

    /// <summary>
    /// A request that comes with the session must carry <c>X-CSRF</c> (every call the dashboard makes does), so a
    /// page on another site cannot make the browser act with it; the session's cookie never goes on to a service.
    /// </summary>
    public static WebApplication UseDashboardSession(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            if (http.Items.ContainsKey(UnavailableItem))
            {
                http.Response.Headers.RetryAfter = "5";
                await Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Signing in is unavailable for a moment.",
                    detail: "The session's access token ended and the sign-in service cannot be reached to renew it; try again shortly.").ExecuteAsync(http);
                return;
            }
            if (AccessToken(http) is not null && !http.Request.Headers.ContainsKey(CsrfHeader) && NeedsCsrfHeader(http.Request.Path))
            {
                await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The X-CSRF header is missing.",
                    detail: $"A call made with the dashboard's session carries the {CsrfHeader} header.").ExecuteAsync(http);
                return;
            }
            await next(http);
        });
        return app;
    }

    static bool NeedsCsrfHeader(PathString path) =>
        path.StartsWithSegments("/api") || (path.StartsWithSegments("/session") && !path.StartsWithSegments("/session/sign-in")
            && !path.StartsWithSegments("/session/callback") && !path.StartsWithSegments("/session/signed-out"));

    /// <summary>The proxy's part: the session's access token on the way in, the session's cookie taken off.</summary>
    public static void Transform(Yarp.ReverseProxy.Transforms.RequestTransformContext context)
    {
        var request = context.ProxyRequest;
        if (AccessToken(context.HttpContext) is { } token)
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        if (!request.Headers.TryGetValues("Cookie", out var values)) return;
        var kept = values.SelectMany(v => v.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(c => !c.StartsWith(CookieName, StringComparison.Ordinal) && !c.StartsWith(".AspNetCore.Correlation.", StringComparison.Ordinal)
                && !c.StartsWith(".AspNetCore.OpenIdConnect.Nonce.", StringComparison.Ordinal)).ToList();
        request.Headers.Remove("Cookie");
        if (kept.Count > 0) request.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", kept));
    }
}
