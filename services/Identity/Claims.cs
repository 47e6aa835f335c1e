using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Channel.Identity;

/// <summary>
/// What a token says about its person, the same shape as every service reads it: sub (the account id,
/// which is also the partner's or distributor's user id), name, email, one role, and partner_id or
/// distributor_id. Access tokens carry all of it for the audience <c>channel</c>; the identity token
/// what the portal shows.
/// </summary>
public static class TokenClaims
{
    public const string Audience = "channel";
    public const string PartnerId = "partner_id";
    public const string DistributorId = "distributor_id";

    public static ClaimsPrincipal For(Account account, IEnumerable<string> scopes, string? method)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, account.Id.ToString())
            .SetClaim(Claims.Name, account.Name)
            .SetClaim(Claims.Email, account.Email)
            .SetClaim(Claims.Role, account.Role);
        if (account.PartnerId is { } partner) identity.SetClaim(PartnerId, partner.ToString());
        if (account.DistributorId is { } distributor) identity.SetClaim(DistributorId, distributor.ToString());
        // How the person signed in (pwd, otp): a service may ask for a second factor before a sensitive action.
        if (method is not null) identity.SetClaim(Claims.AuthenticationMethodReference, method);
        identity.SetScopes(scopes);
        identity.SetResources(Audience);
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.Name or Claims.Email or Claims.Role or PartnerId or DistributorId or Claims.AuthenticationMethodReference => [Destinations.AccessToken, Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });
        return new ClaimsPrincipal(identity);
    }

    /// <summary>An integration's own token (client credentials): the client is the subject, with the role its registration names.</summary>
    public static ClaimsPrincipal ForClient(string clientId, string displayName, string role)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, clientId).SetClaim(Claims.Name, displayName).SetClaim(Claims.Role, role);
        identity.SetResources(Audience);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return new ClaimsPrincipal(identity);
    }
}
