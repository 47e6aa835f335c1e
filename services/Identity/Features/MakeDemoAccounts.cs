using System.Net;
using Channel.Contracts.Identity;
using Channel.Hosting.Web;
using Channel.Identity.Pages;
using Dapper;
using Npgsql;

namespace Channel.Identity.Features;

/// <summary>
/// Local runs only (<c>Identity:DevelopmentTokens</c>, callers on this machine): <c>./channel up --demo</c>
/// names the accounts its sign-in page offers, with one password for them all. Vendor staff accounts are
/// created when missing; partner and distributor users must already be accounts (their services' events make
/// them). Each gets the password as if its owner had chosen it, through the same rules, and the sign-in page
/// lists them with a button that signs in through the ordinary password check.
/// </summary>
public static class MakeDemoAccounts
{
    public sealed record DemoAccount(string? Email, string? Name, string? Role, string? Label, string? Description);
    public sealed record Request(string? Password, DemoAccount[]? Accounts, bool SkipMissing = false);
    public sealed record Offered(string Email, string Label, string Description, string Password);

    public static void Map(WebApplication app, IdentitySettings settings)
    {
        if (!settings.DevelopmentTokens) return;
        app.MapPost("/dev/demo-accounts", Handle).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();
    }

    static bool Local(HttpContext http) => http.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address);

    static async Task<IResult> Handle(Request request, HttpContext http, NpgsqlDataSource db, Accounts accounts, Passwords passwords, CancellationToken ct)
    {
        if (!Local(http)) return TypedResults.Problem(statusCode: 404, title: "Demo accounts are for this machine only.");
        var check = new Check();
        check.Text("password", request.Password, max: Passwords.MaximumLength);
        if (request.Accounts is not { Length: > 0 and <= 20 }) check.Add("accounts", "between 1 and 20 accounts");
        foreach (var (a, i) in (request.Accounts ?? []).Select((a, i) => (a, i)))
        {
            check.Email($"accounts[{i}].email", a.Email);
            check.Text($"accounts[{i}].label", a.Label, max: 100);
            check.Text($"accounts[{i}].description", a.Description, max: 200, required: false);
            check.OneOf($"accounts[{i}].role", a.Role, [.. AccountRoles.Staff], required: false);
        }
        if (check.Failed) return check.Problem();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync("delete from demo_accounts", transaction: tx);
        var position = 0;
        var missing = new List<string>();
        foreach (var demo in request.Accounts!)
        {
            var account = await Accounts.FindByEmail(connection, demo.Email!.Trim(), ct, tx);
            if (account is null && demo.Role is null && request.SkipMissing)
            {
                missing.Add(demo.Email);
                continue;
            }
            if (account is null && demo.Role is null)
                return TypedResults.Problem(statusCode: 404, title: $"{demo.Email} has no account yet.",
                    detail: "A partner's or distributor's user becomes an account when its service adds it; name a staff role to create a staff account.");
            // Found locked (in a transaction), or made and read back locked.
            account ??= await accounts.CreateStaff(tx, Guid.CreateVersion7(), demo.Email.Trim(), demo.Name ?? demo.Label!, demo.Role!, "demo", ct);
            if (passwords.Problem(request.Password, account) is { } problem)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["password"] = [problem] });
            if (account.PasswordHash is null || !passwords.Verify(account, request.Password!))
                await accounts.SetPassword(tx, account, passwords.Hash(account, request.Password!), ct);
            await connection.ExecuteAsync("""
                insert into demo_accounts (account_id, label, description, password, position) values (@id, @label, @description, @password, @position)
                """, new { id = account.Id, label = demo.Label, description = demo.Description ?? "", password = request.Password, position = position++ }, tx);
        }
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new { accounts = position, missing });
    }

    /// <summary>The sign-in page's list: only with demo accounts on, only to this machine, only accounts that may sign in.</summary>
    public static async Task<string> List(HttpContext http, IdentitySettings settings, string? returnUrl)
    {
        if (!settings.DevelopmentTokens || !Local(http)) return "";
        var db = http.RequestServices.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var offered = (await connection.QueryAsync<Offered>("""
            select a.email, d.label, d.description, d.password from demo_accounts d join accounts a on a.id = d.account_id
            where a.status = 'enabled' order by d.position
            """)).ToList();
        if (offered.Count == 0) return "";
        var buttons = string.Concat(offered.Select(o => Html.Form(http, $"{http.Request.PathBase}/account/sign-in", "",
            $"{o.Label} — {o.Description}", ("email", o.Email), ("password", o.Password), ("returnUrl", returnUrl))));
        return $"""
            <section class="demo" aria-labelledby="demo-title"><h2 id="demo-title">Demo accounts</h2>
            <p class="note">This Channel runs on your own machine with demo accounts (shown to this machine only). Each signs in with its password like anyone else.</p>
            {buttons}</section>
            """;
    }
}
