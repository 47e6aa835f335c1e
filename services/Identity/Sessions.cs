using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Npgsql;

namespace Channel.Identity;

/// <summary>
/// A person's sign-in at the provider itself: an HttpOnly cookie on <c>/identity</c> naming the
/// account and its security stamp. A new password, a disabled account, a removed user or an
/// inactive partner ends it on the next request (the stamp or the account no longer matches).
/// The second step of a sign-in (the authenticator code) has its own short cookie.
/// </summary>
public static class Sessions
{
    public const string Scheme = "channel-identity";
    public const string TwoFactorScheme = "channel-identity-2fa";
    public const string StampClaim = "stamp";
    public const string MethodClaim = "amr";

    public static void AddSessions(this IServiceCollection services, IdentitySettings settings)
    {
        void Cookie(CookieAuthenticationOptions o, string name, TimeSpan lifetime)
        {
            o.Cookie.Name = name;
            o.Cookie.Path = "/identity";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = settings.RequireHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = lifetime;
            o.SlidingExpiration = false;
        }
        services.AddAuthentication()
            .AddCookie(Scheme, o =>
            {
                Cookie(o, "channel.identity", settings.SessionLifetime);
                o.LoginPath = "/account/sign-in";
                o.ReturnUrlParameter = "returnUrl";
                o.Events.OnValidatePrincipal = Validate;
            })
            .AddCookie(TwoFactorScheme, o => Cookie(o, "channel.identity.2fa", TimeSpan.FromMinutes(5)));
    }

    public static Task SignIn(HttpContext http, Account account, string method) =>
        http.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim("sub", account.Id.ToString()),
            new Claim(StampClaim, account.SecurityStamp),
            new Claim(MethodClaim, method),
        ], Scheme)), new AuthenticationProperties { IsPersistent = false });

    /// <summary>The account a session names, if the session still holds (same stamp, still allowed to sign in).</summary>
    public static async Task<Account?> Current(HttpContext http)
    {
        // Reading the cookie validates it (once per request: the handler keeps what it read), which reads the account and leaves it here.
        var session = await http.AuthenticateAsync(Scheme);
        return session.Succeeded ? http.Items[typeof(Account)] as Account : null;
    }

    static async Task Validate(CookieValidatePrincipalContext context)
    {
        if (!Guid.TryParse(context.Principal?.FindFirstValue("sub"), out var id)) { context.RejectPrincipal(); return; }
        await using var connection = await context.HttpContext.RequestServices.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        var account = await Accounts.Find(connection, id, context.HttpContext.RequestAborted);
        if (account is null || account.SecurityStamp != context.Principal.FindFirstValue(StampClaim) || SignInRules.Refusal(account) is not null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }
        context.HttpContext.Items[typeof(Account)] = account;
    }
}

/// <summary>Who may sign in: an enabled account whose partner or distributor (if any) is active.</summary>
public static class SignInRules
{
    /// <summary>Why the account may not sign in (shown to the person), or null.</summary>
    public static string? Refusal(Account account) => account.Status switch
    {
        AccountStatus.Invited => "This account has no password yet: use the link in your invitation e-mail, or ask for a new one below.",
        AccountStatus.Disabled => "This account is disabled. Ask your Channel administrator.",
        AccountStatus.Removed => "This account no longer exists.",
        _ when !account.OrganisationActive => account.PartnerId is not null
            ? "Your partner organisation's access to Channel is suspended or has ended."
            : "Your distributor's access to Channel is suspended or has ended.",
        _ => null,
    };
}
