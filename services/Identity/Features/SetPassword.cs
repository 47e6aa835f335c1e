using Channel.Identity.Pages;
using Npgsql;

namespace Channel.Identity.Features;

/// <summary>
/// The page an invitation's or a reset's link opens: choose a password (the rule says why one is
/// refused). The link works once; setting the password ends every earlier session and signs the
/// person in here.
/// </summary>
public static class SetPassword
{
    public static void Map(WebApplication app)
    {
        foreach (var page in new[] { "set-password", "reset-password" })
        {
            app.MapGet($"/account/{page}", (HttpContext http, string? ticket, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct) =>
                Show(http, page, ticket, db, clock, ct)).AllowAnonymous().ExcludeFromDescription();
            app.MapPost($"/account/{page}", (HttpContext http, NpgsqlDataSource db, Accounts accounts, Passwords passwords, TimeProvider clock,
                CancellationToken ct) => Handle(http, page, db, accounts, passwords, clock, ct)).AllowAnonymous().ExcludeFromDescription();
        }
    }

    static string Title(string page) => page == "set-password" ? "Choose your password" : "Choose a new password";

    static async Task<IResult> Show(HttpContext http, string page, string? ticket, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (string.IsNullOrEmpty(ticket) || await Tickets.Peek(connection, ticket, clock, ct) is not { } id || await Accounts.Find(connection, id, ct) is not { } account)
            return Expired(http);
        return Form(http, page, ticket, account, null);
    }

    static IResult Form(HttpContext http, string page, string ticket, Account account, string? error, int status = 200) => Html.Page(Title(page),
        $"<p>For <strong>{Html.Encode(account.Email)}</strong>. At least {Passwords.MinimumLength} characters; a few unrelated words make a strong password.</p>"
        + Html.Form(http, $"{http.Request.PathBase}/account/{page}",
            Html.Field("password", "New password", "password", error: error, autocomplete: "new-password", autofocus: true)
            + Html.Field("confirm", "The same password again", "password", autocomplete: "new-password"),
            "Save the password", ("ticket", ticket)), status);

    static IResult Expired(HttpContext http) => Html.Page("This link has expired",
        $"""<p>The link was already used, or is too old. <a href="{http.Request.PathBase}/account/forgot-password">Ask for a new one</a>.</p>""", 410);

    static async Task<IResult> Handle(HttpContext http, string page, NpgsqlDataSource db, Accounts accounts, Passwords passwords, TimeProvider clock,
        CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        string? ticket = form["ticket"], password = form["password"], confirm = form["confirm"];
        if (string.IsNullOrEmpty(ticket)) return Expired(http);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await Tickets.Peek(connection, ticket, clock, ct, tx) is not { } id || await Accounts.Lock(tx, id, ct) is not { } account
            || account.Status is AccountStatus.Removed or AccountStatus.Disabled)
            return Expired(http);
        if (passwords.Problem(password, account) is { } problem) return Form(http, page, ticket, account, problem, 400);
        if (password != confirm) return Form(http, page, ticket, account, "The two passwords are not the same.", 400);
        if (await Tickets.Use(tx, ticket, clock, ct) is null) return Expired(http);
        await accounts.SetPassword(tx, account, passwords.Hash(account, password!), ct);
        await Audit.Record(connection, Audit.PasswordSet, account.Id, account.Email, http, ct, page == "set-password" ? "first password" : "reset", tx: tx);
        await tx.CommitAsync(ct);
        if (SignInRules.Refusal(account) is { } refusal) return Html.Page("Password saved", $"<p class=\"ok\">Your password is saved.</p>{Html.Error(refusal)}");
        // Signed in here; the second factor, if the account has one, is asked at the next sign-in (a new password removes nothing else).
        if (!account.TwoFactorEnabled) await Sessions.SignIn(http, account, "pwd");
        return Html.Page("Password saved", $"""
            <p class="ok">Your password is saved.</p><p><a href="/">Open the dashboard</a> and sign in.</p>
            """);
    }
}
