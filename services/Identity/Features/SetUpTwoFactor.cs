using Channel.Identity.Pages;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;

namespace Channel.Identity.Features;

/// <summary>
/// Enrolling an authenticator app: a signed-in person scans the QR code (or types the key), and
/// proves it works with a first code; only then is the second factor on. Removing it takes a code too.
/// The secret waits in the form, protected, until it is proven.
/// </summary>
public static class SetUpTwoFactor
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/account/two-factor/setup", Show).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/account/two-factor/setup", Handle).AllowAnonymous().ExcludeFromDescription().RequireRateLimiting(Limits.SignIns);
        app.MapPost("/account/two-factor/remove", Remove).AllowAnonymous().ExcludeFromDescription().RequireRateLimiting(Limits.SignIns);
    }

    static IDataProtector Protector(HttpContext http) =>
        http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector("Channel.Identity.TwoFactorEnrolment");

    static async Task<IResult> Show(HttpContext http, string? returnUrl, CancellationToken ct)
    {
        if (await Sessions.Current(http) is not { } account)
            return Results.Redirect($"{http.Request.PathBase}/account/sign-in?returnUrl={Uri.EscapeDataString($"{http.Request.PathBase}/account/two-factor/setup")}");
        if (account.TwoFactorEnabled)
            return Html.Page("Authenticator app", "<p class=\"ok\">Your authenticator app is set up.</p>"
                + Html.Form(http, $"{http.Request.PathBase}/account/two-factor/remove",
                    Html.Field("code", "A code from the app, to remove it", "text", autocomplete: "one-time-code"), "Remove the authenticator app"));
        return Form(http, account, TwoFactor.NewSecret(), returnUrl, null);
    }

    static IResult Form(HttpContext http, Account account, string secret, string? returnUrl, string? error, int status = 200)
    {
        var uri = TwoFactor.Uri(secret, account.Email);
        return Html.Page("Set up an authenticator app",
            "<p>Scan this code with an authenticator app (Microsoft Authenticator, Google Authenticator, 1Password, …), then enter the 6-digit code it shows.</p>"
            + $"""<div role="img" aria-label="QR code of the authenticator key">{TwoFactor.QrSvg(uri)}</div>"""
            + $"""<p class="note">Or type this key: <code data-testid="totp-key">{Html.Encode(secret)}</code></p>"""
            + Html.Form(http, $"{http.Request.PathBase}/account/two-factor/setup",
                Html.Field("code", "Code from the app", "text", error: error, autocomplete: "one-time-code", autofocus: true), "Turn on",
                ("secret", Protector(http).Protect(secret)), ("returnUrl", returnUrl)), status);
    }

    static async Task<IResult> Handle(HttpContext http, NpgsqlDataSource db, Accounts accounts, TimeProvider clock, CancellationToken ct)
    {
        if (await Sessions.Current(http) is not { } current) return Results.Redirect($"{http.Request.PathBase}/account/sign-in");
        var form = await http.Request.ReadFormAsync(ct);
        string secret;
        try { secret = Protector(http).Unprotect(form["secret"].ToString()); }
        catch (System.Security.Cryptography.CryptographicException) { return Results.Redirect($"{http.Request.PathBase}/account/two-factor/setup"); }
        if (TwoFactor.Verify(secret, form["code"], null, clock.GetUtcNow()) is not { } step)
            return Form(http, current, secret, form["returnUrl"], "That code is not right: check the app's clock, and enter the code it shows now.", 400);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var account = (await Accounts.Lock(tx, current.Id, ct))!;
        await accounts.SetTwoFactor(tx, account, secret, step, ct);
        await Audit.Record(connection, Audit.TwoFactorEnrolled, account.Id, account.Email, http, ct, tx: tx);
        await tx.CommitAsync(ct);
        // The stamp changed (other sessions end); this one goes on, with the second factor proven.
        await Sessions.SignIn(http, account, "otp");
        var returnUrl = form["returnUrl"].ToString();
        return string.IsNullOrEmpty(returnUrl)
            ? Html.Page("Authenticator app", "<p class=\"ok\">Your authenticator app is set up: Channel asks for a code each time you sign in.</p><p><a href=\"/\">Open the dashboard</a></p>")
            : Results.Redirect(Html.SafeReturn(http, returnUrl));
    }

    static async Task<IResult> Remove(HttpContext http, NpgsqlDataSource db, Accounts accounts, IdentitySettings settings, TimeProvider clock,
        CancellationToken ct)
    {
        if (await Sessions.Current(http) is not { } current || current.TotpSecret is null)
            return Results.Redirect($"{http.Request.PathBase}/account/sign-in");
        if (settings.RequireTwoFactorForStaff && current.IsStaff)
            return Html.Page("Authenticator app", Html.Error("Vendor staff must keep a second factor. Set up a new app before removing this one."), 409);
        var form = await http.Request.ReadFormAsync(ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var account = (await Accounts.Lock(tx, current.Id, ct))!;
        if (TwoFactor.Verify(account.TotpSecret!, form["code"], account.TotpLastStep, clock.GetUtcNow()) is null)
            return Html.Page("Authenticator app", Html.Error("That code is not right."), 400);
        await accounts.SetTwoFactor(tx, account, null, null, ct);
        await Audit.Record(connection, Audit.TwoFactorRemoved, account.Id, account.Email, http, ct, tx: tx);
        await tx.CommitAsync(ct);
        await Sessions.SignIn(http, account, "pwd");
        return Html.Page("Authenticator app", "<p class=\"ok\">The authenticator app is removed: signing in takes your password only.</p>");
    }
}
