using System.Net;
using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Identity.Keys;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Channel.Identity.Features;

/// <summary>
/// Local runs and tests only (<c>Identity:DevelopmentTokens</c>, and only to callers on this machine):
/// a token for any role, partner or distributor, signed with the provider's current key and
/// naming its issuer, so the services take it exactly as they take a signed-in person's. This is
/// what <c>./channel token ROLE</c> asks for. A deployment never turns it on.
/// </summary>
public static class IssueDevelopmentToken
{
    public sealed record Request([property: ValuesFrom(typeof(Roles))] string? Role, Guid? PartnerId, Guid? DistributorId, string? Subject, string? Name, int? Minutes);

    public static void Map(WebApplication app, IdentitySettings settings)
    {
        if (!settings.DevelopmentTokens) return;
        app.MapPost("/dev/tokens", Handle).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();
    }

    static IResult Handle(Request request, HttpContext http, KeyRing ring, IdentitySettings settings)
    {
        if (http.Connection.RemoteIpAddress is not { } address || !IPAddress.IsLoopback(address))
            return TypedResults.Problem(statusCode: 404, title: "Development tokens are for this machine only.");
        var check = new Check();
        var role = check.OneOf("role", request.Role, Roles.All);
        var subject = check.Text("subject", request.Subject, max: 200, required: false) ?? $"{role}-user";
        var name = check.Text("name", request.Name, max: 200, required: false) ?? subject;
        var minutes = check.Range("minutes", request.Minutes, 1, 24 * 60, required: false) ?? 12 * 60;
        if (role == Roles.Partner && request.PartnerId is null) check.Add("partnerId", "a partner's token names its partner");
        if (role == Roles.Distributor && request.DistributorId is null) check.Add("distributorId", "a distributor's token names its distributor");
        if (check.Failed) return check.Problem();
        var claims = new List<Claim> { new("sub", subject), new("name", name), new("role", role!) };
        if (role == Roles.Partner) claims.Add(new Claim(TokenClaims.PartnerId, request.PartnerId!.Value.ToString()));
        if (role == Roles.Distributor) claims.Add(new Claim(TokenClaims.DistributorId, request.DistributorId!.Value.ToString()));
        var key = ring.CurrentSigningKey;
        var now = DateTime.UtcNow;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = TokenClaims.Audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = now.AddSeconds(-5),
            IssuedAt = now,
            Expires = now.AddMinutes(minutes),
            TokenType = "at+jwt",
            SigningCredentials = new SigningCredentials(new X509SecurityKey(key.Loaded!, key.Id), SecurityAlgorithms.RsaSha256),
        });
        return TypedResults.Ok(new { token, expiresAt = now.AddMinutes(minutes) });
    }
}
