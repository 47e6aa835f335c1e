using System.Security.Claims;
using Channel.Identity.Pages;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Npgsql;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Channel.Identity.Features;

/// <summary>
/// The authorization endpoint (<c>/identity/connect/authorize</c>, code flow with PKCE; OpenIddict
/// has already checked the client, its redirect address and the challenge): a person signed in here
/// gets a code for the client at once (Channel's clients are its own: no consent screen); anyone
/// else goes to the sign-in page and comes back.
/// </summary>
public static class Authorize
{
    public static void Map(WebApplication app) =>
        app.MapMethods("/connect/authorize", ["GET", "POST"], Handle).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();

    static async Task<IResult> Handle(HttpContext http, NpgsqlDataSource db, IdentitySettings settings, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenID Connect request");
        var account = request.HasPromptValue(PromptValues.Login) ? null : await Sessions.Current(http);
        var session = account is null ? null : await http.AuthenticateAsync(Sessions.Scheme);
        if (account is not null && request.MaxAge is { } maxAge && session?.Properties?.IssuedUtc is { } issued
            && DateTimeOffset.UtcNow - issued > TimeSpan.FromSeconds(maxAge))
            account = null;
        if (account is null)
        {
            if (request.HasPromptValue(PromptValues.None))
                return Results.Forbid(Error(Errors.LoginRequired, "The person is not signed in."), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            if (request.HasPromptValue(PromptValues.Login)) await http.SignOutAsync(Sessions.Scheme);
            // Back here after signing in, without prompt=login (or the sign-in would never end).
            var parameters = (http.Request.HasFormContentType ? http.Request.Form.AsEnumerable() : http.Request.Query.AsEnumerable())
                .Where(p => p.Key != Parameters.Prompt).ToList();
            var back = $"{http.Request.PathBase}{http.Request.Path}{QueryString.Create(parameters)}";
            return Results.Redirect($"{http.Request.PathBase}/account/sign-in?returnUrl={Uri.EscapeDataString(back)}");
        }
        if (settings.RequireTwoFactorForStaff && account.IsStaff && !account.TwoFactorEnabled)
        {
            var back = $"{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}";
            return Results.Redirect($"{http.Request.PathBase}/account/two-factor/setup?returnUrl={Uri.EscapeDataString(back)}");
        }
        var principal = TokenClaims.For(account, request.GetScopes(), session?.Principal?.FindFirstValue(Sessions.MethodClaim));
        return Results.SignIn(principal, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    public static AuthenticationProperties Error(string error, string description) => new(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    });
}
