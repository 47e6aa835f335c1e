using System.Security.Claims;
using Channel.Identity.Pages;
using Microsoft.AspNetCore.Authentication;
using Npgsql;

namespace Channel.Identity.Features;

/// <summary>
/// The sign-in page: e-mail and password, then the authenticator code when the account has one.
/// Wrong answers count towards a lockout; every outcome is audited; the message never says whether
/// an address has an account unless the password was right.
/// </summary>
public static class SignIn
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/account/sign-in", (HttpContext http, string? returnUrl, string? external) =>
            Form(http, returnUrl, null, external == "failed" ? "Signing in with your organisation did not complete. Try again." : null))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/account/sign-in", Handle).AllowAnonymous().ExcludeFromDescription().RequireRateLimiting(Limits.SignIns);
        app.MapGet("/account/two-factor", (HttpContext http) => CodeForm(http, null)).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/account/two-factor", HandleCode).AllowAnonymous().ExcludeFromDescription().RequireRateLimiting(Limits.SignIns);
        app.MapGet("/account/signed-in", async (HttpContext http, CancellationToken ct) =>
            await Sessions.Current(http) is { } account
                ? Html.Page("Signed in", $"<p>You are signed in as {Html.Encode(account.Email)}.</p><p><a href=\"/\">Open the dashboard</a></p>")
                : Results.Redirect($"{http.Request.PathBase}/account/sign-in")).AllowAnonymous().ExcludeFromDescription();
    }

    static async Task<IResult> Form(HttpContext http, string? returnUrl, string? email, string? error, int status = 200) => Html.Page("Sign in",
        Html.Error(error) + Html.Form(http, $"{http.Request.PathBase}/account/sign-in",
            Html.Field("email", "E-mail address", "email", email, autocomplete: "username", autofocus: email is null)
            + Html.Field("password", "Password", "password", autocomplete: "current-password", autofocus: email is not null),
            "Sign in", ("returnUrl", returnUrl))
        + $"""<p class="note"><a href="{http.Request.PathBase}/account/forgot-password">Forgot your password?</a></p>"""
        + SignInWithStaffProvider.Button(http, http.RequestServices.GetRequiredService<IdentitySettings>(), returnUrl)
        + await MakeDemoAccounts.List(http, http.RequestServices.GetRequiredService<IdentitySettings>(), returnUrl), status);

    static async Task<IResult> Handle(HttpContext http, NpgsqlDataSource db, Accounts accounts, Passwords passwords, TimeProvider clock,
        IdentitySettings settings, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        string? email = form["email"], password = form["password"], returnUrl = form["returnUrl"];
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password) || email.Length > 320 || password.Length > Passwords.MaximumLength)
            return await Form(http, returnUrl, email, "Enter your e-mail address and your password.", 400);
        const string wrong = "The e-mail address or the password is not right.";
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var account = await Accounts.FindByEmail(connection, email.Trim(), ct, tx);
        if (account is null)
        {
            passwords.VerifyNothing(password);
            await Audit.Record(connection, Audit.SignInFailed, null, email.Trim(), http, ct, "no such account", tx: tx);
            await tx.CommitAsync(ct);
            return await Form(http, returnUrl, email, wrong, 400);
        }
        var now = clock.GetUtcNow();
        if (account.LockedAt(now))
        {
            await Audit.Record(connection, Audit.SignInRefused, account.Id, account.Email, http, ct, "locked", tx: tx);
            await tx.CommitAsync(ct);
            return await Form(http, returnUrl, email, Locked(account), 400);
        }
        if (!passwords.Verify(account, password))
        {
            var locked = await accounts.SignInFailed(tx, account, http.Connection.RemoteIpAddress?.ToString(), ct);
            await Audit.Record(connection, locked ? Audit.LockedOut : Audit.SignInFailed, account.Id, account.Email, http, ct, "wrong password", tx: tx);
            await tx.CommitAsync(ct);
            return await Form(http, returnUrl, email, locked ? Locked(account) : wrong, 400);
        }
        if (SignInRules.Refusal(account) is { } refusal)
        {
            await Audit.Record(connection, Audit.SignInRefused, account.Id, account.Email, http, ct, refusal, tx: tx);
            await tx.CommitAsync(ct);
            return await Form(http, returnUrl, email, refusal, 403);
        }
        if (account.TwoFactorEnabled)
        {
            await tx.CommitAsync(ct);
            await http.SignInAsync(Sessions.TwoFactorScheme, new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim("sub", account.Id.ToString()), new Claim(Sessions.StampClaim, account.SecurityStamp)], Sessions.TwoFactorScheme)),
                new AuthenticationProperties { Items = { ["returnUrl"] = returnUrl } });
            return Results.Redirect($"{http.Request.PathBase}/account/two-factor");
        }
        await accounts.SignedIn(tx, account, ct);
        await Audit.Record(connection, Audit.SignedIn, account.Id, account.Email, http, ct, "password", tx: tx);
        await tx.CommitAsync(ct);
        await Sessions.SignIn(http, account, "pwd");
        // Staff who must use a second factor and have none enrol before anything else.
        if (settings.RequireTwoFactorForStaff && account.IsStaff && !account.TwoFactorEnabled)
            return Results.Redirect($"{http.Request.PathBase}/account/two-factor/setup?returnUrl={Uri.EscapeDataString(Html.SafeReturn(http, returnUrl))}");
        return Results.Redirect(Html.SafeReturn(http, returnUrl));
    }

    static IResult CodeForm(HttpContext http, string? error, int status = 200) => Html.Page("Enter your code",
        Html.Error(error) + "<p>Open your authenticator app and enter the 6-digit code it shows for Channel.</p>"
        + Html.Form(http, $"{http.Request.PathBase}/account/two-factor",
            Html.Field("code", "Code", "text", autocomplete: "one-time-code", autofocus: true), "Continue"), status);

    static async Task<IResult> HandleCode(HttpContext http, NpgsqlDataSource db, Accounts accounts, TimeProvider clock, CancellationToken ct)
    {
        var pending = await http.AuthenticateAsync(Sessions.TwoFactorScheme);
        if (!pending.Succeeded || !Guid.TryParse(pending.Principal.FindFirstValue("sub"), out var id))
            return Results.Redirect($"{http.Request.PathBase}/account/sign-in");
        var form = await http.Request.ReadFormAsync(ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var account = await Accounts.Lock(tx, id, ct);
        if (account is null || account.SecurityStamp != pending.Principal.FindFirstValue(Sessions.StampClaim) || account.TotpSecret is null
            || SignInRules.Refusal(account) is not null)
        {
            await http.SignOutAsync(Sessions.TwoFactorScheme);
            return Results.Redirect($"{http.Request.PathBase}/account/sign-in");
        }
        var now = clock.GetUtcNow();
        if (account.LockedAt(now))
        {
            await http.SignOutAsync(Sessions.TwoFactorScheme);
            return Html.Page("Enter your code", Html.Error(Locked(account)), 400);
        }
        if (TwoFactor.Verify(account.TotpSecret, form["code"], account.TotpLastStep, now) is not { } step)
        {
            var locked = await accounts.SignInFailed(tx, account, http.Connection.RemoteIpAddress?.ToString(), ct);
            await Audit.Record(connection, locked ? Audit.LockedOut : Audit.TwoFactorFailed, account.Id, account.Email, http, ct, "wrong code", tx: tx);
            await tx.CommitAsync(ct);
            if (locked) await http.SignOutAsync(Sessions.TwoFactorScheme);
            return locked ? Html.Page("Enter your code", Html.Error(Locked(account)), 400) : CodeForm(http, "That code is not right, or was already used.", 400);
        }
        await accounts.TwoFactorUsed(tx, account, step, ct);
        await accounts.SignedIn(tx, account, ct);
        await Audit.Record(connection, Audit.SignedIn, account.Id, account.Email, http, ct, "password and authenticator code", tx: tx);
        await tx.CommitAsync(ct);
        await http.SignOutAsync(Sessions.TwoFactorScheme);
        await Sessions.SignIn(http, account, "otp");
        return Results.Redirect(Html.SafeReturn(http, pending.Properties?.Items.TryGetValue("returnUrl", out var r) == true ? r : null));
    }

    static string Locked(Account account) =>
        $"Too many wrong attempts: this account is locked until {account.LockedUntil:HH:mm} UTC. You can also reset your password.";
}
