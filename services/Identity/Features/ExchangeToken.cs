using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Npgsql;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Channel.Identity.Features;

/// <summary>
/// The token endpoint (<c>/identity/connect/token</c>). OpenIddict has checked the client, the
/// code and its PKCE verifier, or the refresh token (each used once: a second use of one revokes
/// every token of that sign-in); here the account is read again, so a person who may no longer sign
/// in gets nothing, and one whose role changed gets the new one. Client credentials give an
/// integration a token of its own role.
/// </summary>
public static class ExchangeToken
{
    public static void Map(WebApplication app) =>
        app.MapPost("/connect/token", Handle).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();

    static async Task<IResult> Handle(HttpContext http, NpgsqlDataSource db, IdentitySettings settings, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenID Connect request");
        if (request.IsClientCredentialsGrantType())
        {
            var client = settings.Clients.FirstOrDefault(c => c.ClientId == request.ClientId);
            if (client?.Role is null)
                return Results.Forbid(Authorize.Error(Errors.UnauthorizedClient, "This client has no role of its own."),
                    [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            return Results.SignIn(TokenClaims.ForClient(client.ClientId, client.DisplayName, client.Role), null,
                OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }
        if (!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType())
            return Results.Forbid(Authorize.Error(Errors.UnsupportedGrantType, "This grant is not supported."), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var subject = result.Principal?.GetClaim(Claims.Subject);
        await using var connection = await db.OpenConnectionAsync(ct);
        var account = Guid.TryParse(subject, out var id) ? await Accounts.Find(connection, id, ct) : null;
        if (account is null || SignInRules.Refusal(account) is { } refusal)
        {
            await Audit.Record(connection, Audit.SignInRefused, account?.Id, account?.Email, http, ct, "token refused: the account may no longer sign in",
                request.ClientId);
            return Results.Forbid(Authorize.Error(Errors.InvalidGrant, "The account may no longer sign in."), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }
        var principal = TokenClaims.For(account, result.Principal!.GetScopes(), result.Principal!.GetClaim(Claims.AuthenticationMethodReference));
        return Results.SignIn(principal, null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }
}
