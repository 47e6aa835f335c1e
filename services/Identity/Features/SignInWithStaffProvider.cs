using System.Security.Claims;
using Channel.Contracts.Identity;
using Channel.Identity.Pages;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Npgsql;

namespace Channel.Identity.Features;

/// <summary>
/// Vendor staff sign in through their organisation's OpenID Connect provider (<c>Identity:StaffSignIn</c>: Entra ID,
/// Okta, Keycloak). Channel is a client there (code flow with PKCE); the person's groups give their one Channel role
/// (the strongest mapped: admin, channel manager, compliance officer, leadership), taken again at every sign-in. The
/// first sign-in ties the person to the staff account with their address, or makes one; a partner's or distributor's
/// user is never signed in this way, and a person in no mapped group is refused. The provider's own second factor
/// stands for ours.
/// </summary>
public static class SignInWithStaffProvider
{
    public const string Scheme = "staff-provider";
    const string ExternalScheme = "channel-identity-external";
    /// <summary>The method the tokens' <c>amr</c> names: signed in at another provider.</summary>
    public const string Method = "ext";
    static readonly string[] Precedence = [AccountRoles.Admin, AccountRoles.ChannelManager, AccountRoles.ComplianceOfficer, AccountRoles.Leadership];

    public static void Add(IServiceCollection services, IdentitySettings settings)
    {
        if (settings.StaffSignIn is not { } staff) return;
        if (staff.Roles.Values.FirstOrDefault(r => !AccountRoles.Staff.Contains(r)) is { } wrong)
            throw new InvalidOperationException($"Identity:StaffSignIn:Roles maps a group to {wrong}, which is not a staff role");
        var secure = settings.RequireHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        services.AddAuthentication()
            .AddCookie(ExternalScheme, o =>
            {
                // Only between the provider's answer and the account's session here.
                o.Cookie.Name = "channel.identity.external";
                o.Cookie.Path = "/identity";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = secure;
                o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddOpenIdConnect(Scheme, o =>
            {
                o.SignInScheme = ExternalScheme;
                o.Authority = staff.Authority;
                o.RequireHttpsMetadata = staff.RequireHttpsMetadata;
                o.ClientId = staff.ClientId;
                o.ClientSecret = staff.ClientSecret;
                o.ResponseType = OpenIdConnectResponseType.Code;
                // Back by a redirect (a top-level GET), so the correlation and nonce cookies can be SameSite=Lax.
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.UsePkce = true;
                o.CallbackPath = "/account/external/callback";
                o.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "email" }.Concat(staff.Scopes)) o.Scope.Add(scope);
                o.MapInboundClaims = false;
                o.SaveTokens = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                foreach (var cookie in new[] { o.CorrelationCookie, o.NonceCookie })
                {
                    cookie.SameSite = SameSiteMode.Lax;
                    cookie.SecurePolicy = secure;
                }
                o.Events.OnRemoteFailure = c =>
                {
                    c.Response.Redirect($"{c.Request.PathBase}/account/sign-in?external=failed");
                    c.HandleResponse();
                    return Task.CompletedTask;
                };
            });
    }

    public static void Map(WebApplication app, IdentitySettings settings)
    {
        if (settings.StaffSignIn is null) return;
        app.MapGet("/account/external", (HttpContext http, string? returnUrl) => Results.Challenge(new AuthenticationProperties
        {
            RedirectUri = $"{http.Request.PathBase}/account/external/done?returnUrl={Uri.EscapeDataString(Html.SafeReturn(http, returnUrl))}",
        }, [Scheme])).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/account/external/done", Done).AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>The sign-in page's button, when staff have a provider.</summary>
    public static string Button(HttpContext http, IdentitySettings settings, string? returnUrl) => settings.StaffSignIn is not { } staff ? "" : $"""
        <p class="note">Vendor staff</p>
        <p><a class="external" id="staff-sign-in" href="{http.Request.PathBase}/account/external?returnUrl={Uri.EscapeDataString(returnUrl ?? "")}">Sign in with {Html.Encode(staff.DisplayName)}</a></p>
        """;

    static async Task<IResult> Done(HttpContext http, NpgsqlDataSource db, Accounts accounts, IdentitySettings settings, TimeProvider clock, string? returnUrl,
        CancellationToken ct)
    {
        var staff = settings.StaffSignIn!;
        var external = await http.AuthenticateAsync(ExternalScheme);
        await http.SignOutAsync(ExternalScheme);
        if (!external.Succeeded) return Results.Redirect($"{http.Request.PathBase}/account/sign-in");
        var person = external.Principal;
        var subject = person.FindFirst("sub");
        var email = person.FindFirstValue("email") ?? person.FindFirstValue("preferred_username");
        var name = person.FindFirstValue("name") ?? email;
        var groups = person.FindAll(staff.GroupsClaim).Select(c => c.Value).ToHashSet();
        var role = Precedence.FirstOrDefault(r => groups.Any(g => staff.Roles.TryGetValue(g, out var mapped) && mapped == r));

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        async Task<IResult> Refuse(Guid? account, string why, string shown)
        {
            await Audit.Record(connection, Audit.SignInRefused, account, email, http, ct, $"{staff.DisplayName}: {why}", tx: tx);
            await tx.CommitAsync(ct);
            return Html.Page("Not signed in", Html.Error(shown) + $"""<p><a href="{http.Request.PathBase}/account/sign-in">Back to sign-in</a></p>""", 403);
        }
        if (subject is null || string.IsNullOrWhiteSpace(email) || !email.Contains('@'))
            return await Refuse(null, "no subject or e-mail address", $"{staff.DisplayName} did not say who you are (no e-mail address). Ask your administrator.");
        if (role is null)
            return await Refuse(null, $"no group mapped to a Channel role ({string.Join(", ", groups.Order())})",
                $"Your account at {staff.DisplayName} has no Channel role. Ask your administrator to add you to a Channel group.");

        var issuer = subject.Issuer;
        var account = await Accounts.FindByExternal(tx, issuer, subject.Value, ct) ?? await Accounts.FindByEmail(connection, email, ct, tx);
        if (account is not null && !account.IsStaff)
            return await Refuse(account.Id, "the address is a partner's or distributor's user",
                "This address belongs to a partner's or distributor's user, who signs in with a password.");
        if (account is not null && account.ExternalSubject is not null && (account.ExternalIssuer != issuer || account.ExternalSubject != subject.Value))
            return await Refuse(account.Id, "the address is tied to another person at the provider",
                "This address's Channel account belongs to another person at your organisation's sign-in. Ask your administrator.");
        if (account is null)
        {
            account = await accounts.CreateExternalStaff(tx, issuer, subject.Value, email, name!, role, ct);
            await Audit.Record(connection, Audit.Created, account.Id, account.Email, http, ct, $"{role} at first sign-in through {staff.DisplayName}", tx: tx);
        }
        else
            await accounts.LinkExternal(tx, account, issuer, subject.Value, role, name!, ct);
        if (SignInRules.Refusal(account) is { } refusal) return await Refuse(account.Id, refusal, refusal);
        if (account.LockedAt(clock.GetUtcNow())) return await Refuse(account.Id, "locked", "This account is locked for now. Try again later.");
        await accounts.SignedIn(tx, account, ct);
        await Audit.Record(connection, Audit.SignedIn, account.Id, account.Email, http, ct, $"{staff.DisplayName} as {role}", tx: tx);
        await tx.CommitAsync(ct);
        await Sessions.SignIn(http, account, Method);
        return Results.Redirect(Html.SafeReturn(http, returnUrl));
    }
}
