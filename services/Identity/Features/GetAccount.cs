using Channel.Hosting.Auth;
using Npgsql;

namespace Channel.Identity.Features;

/// <summary>One account (channel managers and admins); <c>GET /api/identity/me</c> is the caller's own.</summary>
public static class GetAccount
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/accounts/{id:guid}", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<AccountView>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One account");
        api.MapGet("/me", Me).RequireAuthorization(Policies.Authenticated)
            .Produces<AccountView>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("The caller's own account");
    }

    static async Task<IResult> Handle(Guid id, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await Accounts.Find(connection, id, ct) is { } account
            ? TypedResults.Ok(AccountView.Of(account, clock.GetUtcNow()))
            : TypedResults.Problem(statusCode: 404, title: "No such account.");
    }

    static async Task<IResult> Me(HttpContext http, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        if (!Guid.TryParse(Caller.From(http.User).Subject, out var id)) return TypedResults.Problem(statusCode: 404, title: "This token names no account.");
        return await Handle(id, db, clock, ct);
    }
}
