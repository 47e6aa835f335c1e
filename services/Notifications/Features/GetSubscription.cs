using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Notifications.Webhooks;
using Npgsql;

namespace Channel.Notifications.Features;

/// <summary>One of the caller's owner's subscriptions; another owner's is not found.</summary>
public static class GetSubscription
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/subscriptions/{id:guid}", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Subscription>().ProducesProblem(403).ProducesProblem(404).WithSummary("A webhook subscription");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        if (Subscriptions.Of(Caller.From(user)) is not { } owner) return TypedResults.Forbid();
        await using var conn = await db.OpenConnectionAsync(ct);
        return await Subscriptions.Load(conn, null, owner, id, ct) is { } s ? TypedResults.Ok(s) : Subscriptions.NotFound(id);
    }
}
