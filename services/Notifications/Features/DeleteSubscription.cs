using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Notifications.Webhooks;
using Dapper;
using Npgsql;

namespace Channel.Notifications.Features;

/// <summary>Deletes a subscription with its deliveries and their log; nothing more is sent to it.</summary>
public static class DeleteSubscription
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapDelete("/subscriptions/{id:guid}", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(403).ProducesProblem(404).WithSummary("Delete a webhook subscription");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        if (Subscriptions.Of(Caller.From(user)) is not { } owner) return TypedResults.Forbid();
        await using var conn = await db.OpenConnectionAsync(ct);
        var deleted = await conn.ExecuteAsync(new CommandDefinition($"delete from subscriptions where id = @id and {Subscriptions.OwnedBy}",
            new { id, OwnerKind = owner.Kind, OwnerId = owner.Id }, cancellationToken: ct));
        return deleted == 0 ? Subscriptions.NotFound(id) : TypedResults.NoContent();
    }
}
