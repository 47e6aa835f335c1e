namespace Channel.Identity;

/// <summary>The <c>Identity</c> section of configuration.</summary>
public sealed class IdentitySettings
{
    /// <summary>Where people reach Channel (the gateway): the links in mails and the issuer are made from it.</summary>
    public string PublicUrl { get; set; } = "http://127.0.0.1:8080";
    /// <summary>The issuer tokens name, and where discovery is: the public address and <c>/identity/</c>.</summary>
    public string Issuer => $"{PublicUrl.TrimEnd('/')}/identity/";
    /// <summary>Off only on a machine of one's own: outside it, OpenID Connect and the sign-in cookie need https.</summary>
    public bool RequireHttps { get; set; } = true;

    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromHours(72);
    public TimeSpan ResetLifetime { get; set; } = TimeSpan.FromHours(2);
    public int MaxFailedSignIns { get; set; } = 5;
    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromHours(12);
    /// <summary>How long one sign-in at the provider (its own cookie) lasts, so a second client signs in without a password.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How often a new signing key takes over, and how long before that it is published (readers refresh their copy of the keys in between).</summary>
    public TimeSpan RotateKeysEvery { get; set; } = TimeSpan.FromDays(7);
    public TimeSpan PublishKeysAhead { get; set; } = TimeSpan.FromHours(1);
    public TimeSpan CheckKeysEvery { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Vendor staff must use a second factor (an authenticator app) to sign in.</summary>
    public bool RequireTwoFactorForStaff { get; set; }

    /// <summary>
    /// Local runs and tests only: <c>POST /identity/dev/tokens</c> issues a token for any role, signed with the provider's own
    /// key, to callers on this machine (what <c>./channel token</c> uses). Never on in a deployment.
    /// </summary>
    public bool DevelopmentTokens { get; set; }

    /// <summary>The clients that may ask for tokens (the gateway's portal, integrations), created or updated at start.</summary>
    public List<ClientSettings> Clients { get; set; } = [];

    /// <summary>Vendor staff's single sign-on through their organisation's provider (Entra ID, Okta, Keycloak); off when absent.</summary>
    public StaffSignInSettings? StaffSignIn { get; set; }

    public TimeSpan KeyLifetime => RotateKeysEvery + PublishKeysAhead + RefreshTokenLifetime + AccessTokenLifetime + TimeSpan.FromMinutes(5);
}

public sealed class ClientSettings
{
    public string ClientId { get; set; } = "";
    public string? ClientSecret { get; set; }
    public string DisplayName { get; set; } = "";
    public List<string> RedirectUris { get; set; } = [];
    public List<string> PostLogoutRedirectUris { get; set; } = [];
    /// <summary>authorization_code (with refresh tokens) or client_credentials.</summary>
    public List<string> GrantTypes { get; set; } = ["authorization_code"];
    /// <summary>For a client-credentials client: the role its tokens carry (an integration's own identity).</summary>
    public string? Role { get; set; }
}

/// <summary>
/// The vendor's own OpenID Connect provider for its staff: Channel is a client there (code flow with PKCE) and
/// maps the person's groups to one Channel role. Staff who sign in there need no password here.
/// </summary>
public sealed class StaffSignInSettings
{
    /// <summary>The provider's issuer (its discovery document is under it).</summary>
    public string Authority { get; set; } = "";
    public string ClientId { get; set; } = "";
    public string? ClientSecret { get; set; }
    /// <summary>What the sign-in page's button says: "Sign in with {DisplayName}".</summary>
    public string DisplayName { get; set; } = "your organisation";
    public bool RequireHttpsMetadata { get; set; } = true;
    /// <summary>The claim that lists the person's groups (Entra ID and Okta: groups; Keycloak: groups with the mapper).</summary>
    public string GroupsClaim { get; set; } = "groups";
    /// <summary>Extra scopes some providers need to send the groups (Okta: groups).</summary>
    public List<string> Scopes { get; set; } = [];
    /// <summary>Group → Channel role (channel-manager, leadership, compliance-officer, admin); a person in none is refused.</summary>
    public Dictionary<string, string> Roles { get; set; } = [];
}
