using Channel.Hosting.Web;
using Channel.Identity.Pages;
using Npgsql;

namespace Channel.Identity.Features;

/// <summary>
/// "Forgot your password?": the page, and <c>POST /api/identity/password-resets</c> for other
/// clients. The answer is the same whether or not the address has an account (nothing to learn by
/// asking); an account that may sign in gets a mail with a single-use link valid two hours.
/// </summary>
public static class RequestPasswordReset
{
    public sealed record Request(string? Email);

    public static void Map(WebApplication app, RouteGroupBuilder api)
    {
        app.MapGet("/account/forgot-password", (HttpContext http) => Form(http, null)).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/account/forgot-password", async (HttpContext http, NpgsqlDataSource db, Accounts accounts, CancellationToken ct) =>
        {
            var form = await http.Request.ReadFormAsync(ct);
            string? email = form["email"];
            if (string.IsNullOrWhiteSpace(email) || email.Length > 320) return Form(http, "Enter your e-mail address.", 400);
            await Send(http, db, accounts, email.Trim(), ct);
            return Html.Page("Check your e-mail", $"""
                <p>If <strong>{Html.Encode(email.Trim())}</strong> has a Channel account, a link to choose a new password is on its way. It works once, for two hours.</p>
                """);
        }).AllowAnonymous().ExcludeFromDescription().RequireRateLimiting(Limits.PasswordResets);
        api.MapPost("/password-resets", async (Request request, HttpContext http, NpgsqlDataSource db, Accounts accounts, CancellationToken ct) =>
        {
            var check = new Check();
            var email = check.Email("email", request.Email);
            if (check.Failed) return check.Problem();
            await Send(http, db, accounts, email!, ct);
            return Results.Accepted();
        }).AllowAnonymous().RequireRateLimiting(Limits.PasswordResets);
    }

    static IResult Form(HttpContext http, string? error, int status = 200) => Html.Page("Forgot your password?",
        "<p>Enter your e-mail address: we send a link to choose a new password.</p>"
        + Html.Form(http, $"{http.Request.PathBase}/account/forgot-password", Html.Field("email", "E-mail address", "email", error: error,
            autocomplete: "username", autofocus: true), "Send the link"), status);

    static async Task Send(HttpContext http, NpgsqlDataSource db, Accounts accounts, string email, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var account = await Accounts.FindByEmail(connection, email, ct, tx);
        // An invited account gets its invitation again (it has no password to reset); a disabled one or an inactive partner's, nothing.
        if (account is not null && account.Status is AccountStatus.Enabled or AccountStatus.Invited && account.OrganisationActive)
        {
            if (account.Status == AccountStatus.Invited) await accounts.Invite(tx, account, "self", bump: true, ct);
            else await accounts.RequestReset(tx, account, "self", ct);
            await Audit.Record(connection, Audit.PasswordResetRequested, account.Id, account.Email, http, ct, "by the person", tx: tx);
        }
        else await Audit.Record(connection, Audit.PasswordResetRequested, account?.Id, email, http, ct, "no account that may sign in", tx: tx);
        await tx.CommitAsync(ct);
    }
}
