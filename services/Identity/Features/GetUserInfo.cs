using Microsoft.AspNetCore.Authentication;
using Npgsql;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Channel.Identity.Features;

/// <summary>The userinfo endpoint (<c>/identity/connect/userinfo</c>): who the access token's person is now.</summary>
public static class GetUserInfo
{
    public static void Map(WebApplication app) =>
        app.MapMethods("/connect/userinfo", ["GET", "POST"], Handle).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();

    static async Task<IResult> Handle(HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        await using var connection = await db.OpenConnectionAsync(ct);
        if (!Guid.TryParse(result.Principal?.GetClaim(Claims.Subject), out var id) || await Accounts.Find(connection, id, ct) is not { } account
            || SignInRules.Refusal(account) is not null)
            return Results.Challenge(Authorize.Error(Errors.InvalidToken, "The account may no longer sign in."), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        var info = new Dictionary<string, object>
        {
            [Claims.Subject] = account.Id.ToString(),
            [Claims.Name] = account.Name,
            [Claims.Email] = account.Email,
            [Claims.Role] = account.Role,
        };
        if (account.PartnerId is { } p) info[TokenClaims.PartnerId] = p.ToString();
        if (account.DistributorId is { } d) info[TokenClaims.DistributorId] = d.ToString();
        return Results.Ok(info);
    }
}
