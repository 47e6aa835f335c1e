using Channel.Contracts.Identity;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Npgsql;

namespace Channel.Identity.Features;

/// <summary>
/// An admin creates an account for one of the vendor's people (channel manager, leadership,
/// compliance officer, admin); it gets an invitation mail to set its password. Partner and
/// distributor users are not created here: their own services add them, and their accounts follow.
/// </summary>
public static class CreateStaffAccount
{
    public sealed record Request(string? Email, string? Name, [property: ValuesFrom(typeof(AccountRoles), nameof(AccountRoles.Staff))] string? Role);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/accounts", Handle).RequireAuthorization(Policies.Admin)
            .Produces<AccountView>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Create a vendor staff account and send its invitation");

    static async Task<IResult> Handle(Request request, HttpContext http, NpgsqlDataSource db, Accounts accounts, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var email = check.Email("email", request.Email);
        var name = check.Text("name", request.Name, max: 200);
        var role = check.OneOf("role", request.Role, [.. AccountRoles.Staff]);
        if (check.Failed) return check.Problem();
        var actor = Caller.From(http.User).Subject;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await Accounts.FindByEmail(connection, email!, ct, tx) is not null)
            return TypedResults.Problem(statusCode: 409, title: "An account with this e-mail address exists.", extensions: new Dictionary<string, object?> { ["field"] = "email" });
        Account account;
        try
        {
            account = await accounts.CreateStaff(tx, Guid.CreateVersion7(), email!, name!, role!, actor, ct);
        }
        catch (PostgresException e) when (e.IsUniqueViolation())
        {
            return TypedResults.Problem(statusCode: 409, title: "An account with this e-mail address exists.");
        }
        await Audit.Record(connection, Audit.Created, account.Id, account.Email, http, ct, $"{role} by {actor}", tx: tx);
        await Audit.Record(connection, Audit.Invited, account.Id, account.Email, http, ct, tx: tx);
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/identity/accounts/{account.Id}", AccountView.Of(account, clock.GetUtcNow()));
    }
}
