using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;

namespace Channel.Hosting.Auth;

public static class Roles
{
    public const string ChannelManager = "channel-manager";
    public const string Partner = "partner";
    public const string Distributor = "distributor";
    public const string Leadership = "leadership";
    public const string Admin = "admin";
    /// <summary>Vendor staff who keep the screening lists and public-sector rules and work the compliance queue.</summary>
    public const string ComplianceOfficer = "compliance-officer";
    public static readonly string[] All = [ChannelManager, Partner, Distributor, Leadership, ComplianceOfficer, Admin];
}

public static class Policies
{
    /// <summary>Any valid token.</summary>
    public const string Authenticated = "authenticated";
    /// <summary>Vendor staff who run the channel: channel managers and admins.</summary>
    public const string ChannelManager = "channel-manager";
    /// <summary>Those who see the whole channel read-only: leadership, channel managers, admins.</summary>
    public const string Staff = "staff";
    /// <summary>Operators of the system itself.</summary>
    public const string Admin = "admin";
    /// <summary>Those who see screening evidence and decide on it: compliance officers and admins.</summary>
    public const string ComplianceOfficer = "compliance-officer";
}

/// <summary>Who is calling, as the token says: the role, and the partner or distributor it is scoped to.</summary>
public sealed record Caller(string Subject, string Role, Guid? PartnerId, Guid? DistributorId)
{
    public bool SeesEverything => Role is Roles.ChannelManager or Roles.Admin or Roles.Leadership;
    public bool IsManager => Role is Roles.ChannelManager or Roles.Admin;

    /// <summary>
    /// The caller a token names. A partner id counts only on a partner's token and a distributor id
    /// only on a distributor's: a distributor's token that also carries a partner_id is not that partner.
    /// </summary>
    public static Caller From(ClaimsPrincipal user)
    {
        Guid? Id(string claim) => Guid.TryParse(user.FindFirstValue(claim), out var g) ? g : null;
        var role = user.FindFirstValue("role") ?? "";
        return new Caller(
            user.FindFirstValue("sub") ?? user.FindFirstValue("name") ?? "unknown",
            role,
            role == Roles.Partner ? Id("partner_id") : null,
            role == Roles.Distributor ? Id("distributor_id") : null);
    }
}

public static class AuthSetup
{
    public const string Issuer = "channel-local";
    public const string Audience = "channel";

    /// <summary>
    /// JWT bearer validation. With <c>Auth:Authority</c> set, tokens from that OpenID Connect issuer (the Identity
    /// service), checked against the keys its discovery document publishes (fetched again when a token names a key
    /// not seen yet, so rotation needs nothing here). A local HS256 key (<c>Auth:SigningKey</c> in base64, or the file
    /// named by <c>Auth:SigningKeyFile</c>) is for development and tests only: where one is configured its tokens are
    /// taken too. At least one of the two must be there.
    /// </summary>
    public static IServiceCollection AddChannelAuth(this IServiceCollection services, IConfiguration config)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            var authority = config["Auth:Authority"];
            var local = LocalKey(config);
            if (string.IsNullOrEmpty(authority) && local is null)
                throw new InvalidOperationException("no way to check tokens: set Auth:Authority (the identity provider), or a local key for development");
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                // The authority's own issuer is added from its discovery document.
                ValidIssuer = local is null ? null : config["Auth:Issuer"] ?? Issuer,
                ValidateAudience = true,
                ValidAudience = config["Auth:Audience"] ?? Audience,
                ValidateLifetime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                RoleClaimType = "role",
                NameClaimType = "name",
                IssuerSigningKey = local,
            };
            if (!string.IsNullOrEmpty(authority))
            {
                o.Authority = authority;
                o.RequireHttpsMetadata = config.GetValue("Auth:RequireHttpsMetadata", true);
                // How soon an unknown key may send the reader back for the keys (the default is five minutes).
                o.RefreshInterval = config.GetValue("Auth:KeysRefreshInterval", TimeSpan.FromMinutes(1));
                if (Backchannel.From(config) is { } backchannel)
                {
                    var manager = backchannel.Configuration();
                    manager.AutomaticRefreshInterval = o.AutomaticRefreshInterval;
                    manager.RefreshInterval = o.RefreshInterval;
                    o.ConfigurationManager = manager;
                }
            }
            // One role per token: a token with several would pass one policy by one role and be scoped by another.
            o.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    if (context.Principal?.FindAll("role").Count() != 1) context.Fail("a token must carry exactly one role");
                    return Task.CompletedTask;
                },
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Authenticated, p => p.RequireAuthenticatedUser().RequireClaim("role", Roles.All))
            .AddPolicy(Policies.ChannelManager, p => p.RequireRole(Roles.ChannelManager, Roles.Admin))
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.ChannelManager, Roles.Admin, Roles.Leadership))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.ComplianceOfficer, p => p.RequireRole(Roles.ComplianceOfficer, Roles.Admin));
        return services;
    }

    public static byte[] SigningKey(IConfiguration config) =>
        LocalKey(config)?.Key ?? throw new InvalidOperationException("no token signing key: set Auth:SigningKey or Auth:SigningKeyFile");

    /// <summary>The local development key, if one is configured (none in a deployment).</summary>
    static SymmetricSecurityKey? LocalKey(IConfiguration config)
    {
        var key = config["Auth:SigningKey"];
        var file = config["Auth:SigningKeyFile"];
        if (string.IsNullOrWhiteSpace(key) && !string.IsNullOrWhiteSpace(file) && File.Exists(file))
            key = File.ReadAllText(file).Trim();
        if (string.IsNullOrWhiteSpace(key)) return null;
        var bytes = Convert.FromBase64String(key);
        if (bytes.Length < 32) throw new InvalidOperationException("the token signing key must be at least 256 bits");
        return new SymmetricSecurityKey(bytes);
    }

    /// <summary>Mints a local token (tests and tools; ./channel token does the same in the shell).</summary>
    public static string Mint(byte[] key, string role, string subject, Guid? partnerId = null, Guid? distributorId = null,
        TimeSpan? lifetime = null)
    {
        var claims = new List<Claim> { new("sub", subject), new("name", subject), new("role", role) };
        if (partnerId is { } p) claims.Add(new Claim("partner_id", p.ToString()));
        if (distributorId is { } d) claims.Add(new Claim("distributor_id", d.ToString()));
        var now = DateTime.UtcNow;
        var handler = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler();
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = now.AddSeconds(-5),
            IssuedAt = now,
            Expires = now + (lifetime ?? TimeSpan.FromHours(12)),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }
}
