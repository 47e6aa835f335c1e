using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Notifications.Webhooks;
using Dapper;
using Npgsql;

namespace Channel.Notifications.Features;

/// <summary>The caller's owner's subscriptions, newest first (never their secrets).</summary>
public static class ListSubscriptions
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/subscriptions", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Subscription[]>().ProducesProblem(403).WithSummary("List your webhook subscriptions");

    static async Task<IResult> Handle(ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        if (Subscriptions.Of(Caller.From(user)) is not { } owner) return TypedResults.Forbid();
        await using var conn = await db.OpenConnectionAsync(ct);
        var list = await conn.QueryAsync<Subscription>(new CommandDefinition(
            $"select {Subscriptions.Columns} from subscriptions where {Subscriptions.OwnedBy} order by created_at desc, id",
            new { OwnerKind = owner.Kind, OwnerId = owner.Id }, cancellationToken: ct));
        return TypedResults.Ok(list);
    }
}
