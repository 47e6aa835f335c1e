using System.Security.Claims;
using Channel.Gateway.Session;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace Channel.Gateway.Features;

/// <summary>
/// The dashboard's session: <c>GET /session/sign-in</c> sends the browser to the Identity service's sign-in
/// (code flow with PKCE) and back to where it was; <c>GET /session</c> says who is signed in (the page's
/// only knowledge of the person: no token); <c>POST /session/sign-out</c> ends the session here, revokes its
/// refresh token and answers with the provider's end-session address, where the person's every other
/// session ends too.
/// </summary>
public static class SignInToTheDashboard
{
    public sealed record Who(string Subject, string Name, string? Email, string Role, Guid? PartnerId, Guid? DistributorId, DateTimeOffset? SessionEndsAt);

    public static void Map(WebApplication app)
    {
        var session = app.MapGroup("/session").ExcludeFromDescription();
        if (!DashboardSession.Enabled(app.Configuration))
        {
            // No client registration: the dashboard says how to turn it on.
            session.MapGet("/", () => Results.Problem(statusCode: 404, title: "Signing in to the dashboard is not configured here.",
                detail: "Set Gateway:Session:ClientSecret (and Auth:Authority) to the gateway's registration at the Identity service.")).AllowAnonymous();
            return;
        }
        session.MapGet("/sign-in", (string? returnUrl) => Results.Challenge(new AuthenticationProperties { RedirectUri = Local(returnUrl) },
            [DashboardSession.SignInScheme])).AllowAnonymous();
        session.MapGet("/", Current).RequireAuthorization(p => p.AddAuthenticationSchemes(DashboardSession.CookieScheme).RequireAuthenticatedUser());
        session.MapPost("/sign-out", SignOut).AllowAnonymous();
    }

    /// <summary>Only an address on this site (a path, with the dashboard's own fragment): never somewhere else.</summary>
    static string Local(string? returnUrl) =>
        returnUrl is { Length: > 0 and < 2000 } r && r.StartsWith('/') && !r.StartsWith("//", StringComparison.Ordinal) && !r.StartsWith("/\\", StringComparison.Ordinal)
            ? r
            : "/";

    static async Task<IResult> Current(HttpContext http, ClaimsPrincipal user)
    {
        var ends = await DashboardSession.Current(http) is { } s ? s.Properties.ExpiresUtc : null;
        Guid? Id(string claim) => Guid.TryParse(user.FindFirstValue(claim), out var g) ? g : null;
        return TypedResults.Ok(new Who(user.FindFirstValue("sub")!, user.FindFirstValue("name") ?? "", user.FindFirstValue("email"),
            user.FindFirstValue("role")!, Id("partner_id"), Id("distributor_id"), ends));
    }

    static async Task<IResult> SignOut(HttpContext http, SessionTokens tokens, CancellationToken ct)
    {
        // Made with the session, the call carries X-CSRF (UseDashboardSession refuses it otherwise).
        var current = await DashboardSession.Current(http);
        if (current is null) return TypedResults.Ok(new { signOutUrl = "/" });
        var (id, properties) = current.Value;
        await tokens.SignOut(id, properties.GetTokenValue("refresh_token"), ct);
        await http.SignOutAsync(DashboardSession.CookieScheme);
        // The provider's end-session address with this sign-in's id token, coming back to the dashboard.
        var client = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<OpenIdConnectOptions>>().Get(DashboardSession.SignInScheme);
        var configuration = await client.ConfigurationManager!.GetConfigurationAsync(ct);
        var back = $"{http.Request.Scheme}://{http.Request.Host}{client.SignedOutCallbackPath}";
        var query = QueryString.Create(new Dictionary<string, string?>
        {
            ["id_token_hint"] = properties.GetTokenValue("id_token"),
            ["post_logout_redirect_uri"] = back,
            ["client_id"] = client.ClientId,
        });
        return TypedResults.Ok(new { signOutUrl = configuration.EndSessionEndpoint + query });
    }
}
