using Channel.Hosting.Auth;
using Npgsql;

namespace Channel.Identity.Features;

/// <summary>
/// An admin's actions on an account: send a new invitation or reset link, unlock it, disable or
/// enable it, end all its sessions. Each answers 404 for an account that is not there and 409 when
/// the account's state does not allow it (with that state).
/// </summary>
public static class ChangeAccount
{
    public static void Map(RouteGroupBuilder api)
    {
        Action(api, "send-reset", "Send a new invitation (no password yet) or a password reset link", async (c, a) =>
        {
            if (a.Status is not (AccountStatus.Invited or AccountStatus.Enabled)) return Conflict(a);
            if (a.Status == AccountStatus.Invited) await c.Accounts.Invite(c.Tx, a, c.Actor, bump: true, c.Ct);
            else await c.Accounts.RequestReset(c.Tx, a, c.Actor, c.Ct);
            await Audit.Record(c.Tx.Connection!, a.Status == AccountStatus.Invited ? Audit.Invited : Audit.PasswordResetRequested, a.Id, a.Email, c.Http,
                c.Ct, $"by {c.Actor}", tx: c.Tx);
            return null;
        });
        Action(api, "unlock", "Unlock an account locked by wrong passwords", async (c, a) =>
        {
            await c.Accounts.Unlock(c.Tx, a, c.Ct);
            await Audit.Record(c.Tx.Connection!, Audit.Unlocked, a.Id, a.Email, c.Http, c.Ct, $"by {c.Actor}", tx: c.Tx);
            return null;
        });
        Action(api, "disable", "Disable an account: it cannot sign in and its sessions end", async (c, a) =>
        {
            if (a.Status is AccountStatus.Disabled or AccountStatus.Removed) return Conflict(a);
            await c.Accounts.ChangeStatus(c.Tx, a, AccountStatus.Disabled, c.Actor, c.Ct);
            await Audit.Record(c.Tx.Connection!, Audit.Disabled, a.Id, a.Email, c.Http, c.Ct, $"by {c.Actor}", tx: c.Tx);
            return null;
        });
        Action(api, "enable", "Enable a disabled account", async (c, a) =>
        {
            if (a.Status != AccountStatus.Disabled) return Conflict(a);
            await c.Accounts.ChangeStatus(c.Tx, a, a.PasswordHash is null && a.ExternalSubject is null ? AccountStatus.Invited : AccountStatus.Enabled,
                c.Actor, c.Ct);
            await Audit.Record(c.Tx.Connection!, Audit.Enabled, a.Id, a.Email, c.Http, c.Ct, $"by {c.Actor}", tx: c.Tx);
            return null;
        });
        Action(api, "revoke-sessions", "End every session of the account (its refresh tokens die at once)", async (c, a) =>
        {
            await Accounts.Revoke(c.Tx, [a.Id], c.Ct);
            await Audit.Record(c.Tx.Connection!, Audit.TokensRevoked, a.Id, a.Email, c.Http, c.Ct, $"by {c.Actor}", tx: c.Tx);
            return null;
        });
    }

    sealed record Context(NpgsqlTransaction Tx, Accounts Accounts, HttpContext Http, string Actor, CancellationToken Ct);

    static IResult Conflict(Account a) => TypedResults.Problem(statusCode: 409, title: $"Not allowed while the account is {a.Status}.",
        extensions: new Dictionary<string, object?> { ["status"] = a.Status });

    static void Action(RouteGroupBuilder api, string name, string summary, Func<Context, Account, Task<IResult?>> act) =>
        api.MapPost($"/accounts/{{id:guid}}/{name}", async (Guid id, HttpContext http, NpgsqlDataSource db, Accounts accounts, TimeProvider clock,
            CancellationToken ct) =>
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            if (await Accounts.Lock(tx, id, ct) is not { } account) return TypedResults.Problem(statusCode: 404, title: "No such account.");
            if (await act(new Context(tx, accounts, http, Caller.From(http.User).Subject, ct), account) is { } refused) return refused;
            await tx.CommitAsync(ct);
            return TypedResults.Ok(AccountView.Of(account, clock.GetUtcNow()));
        }).RequireAuthorization(Policies.Admin).Produces<AccountView>().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).WithSummary(summary);
}
