using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Notifications.Webhooks;
using Dapper;
using Npgsql;

namespace Channel.Notifications.Features;

/// <summary>
/// Sends a delivery again, whatever became of it (delivered, given up, still retrying): it is due
/// at once, with a fresh retry window; its log keeps every earlier attempt. 409 while the
/// subscription is disabled.
/// </summary>
public static class RedeliverDelivery
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/subscriptions/{id:guid}/deliveries/{deliveryId:long}/redeliver", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<ListDeliveries.Delivery>(StatusCodes.Status202Accepted).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Send a webhook delivery again");

    static async Task<IResult> Handle(Guid id, long deliveryId, ClaimsPrincipal user, NpgsqlDataSource db, WebhookOptions options,
        WebhookDeliverer deliverer, CancellationToken ct)
    {
        if (Subscriptions.Of(Caller.From(user)) is not { } owner) return TypedResults.Forbid();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var subscription = await Subscriptions.Load(conn, tx, owner, id, ct);
        if (subscription is null) return Subscriptions.NotFound(id);
        if (!subscription.Enabled) return Subscriptions.Disabled(id);
        var delivery = await conn.QuerySingleOrDefaultAsync<ListDeliveries.Delivery>(new CommandDefinition($"""
            update deliveries set delivered_at = null, given_up_at = null, next_attempt_at = now(), retry_until = now() + @RetryFor
            where id = @deliveryId and subscription_id = @id
            returning {ListDeliveries.Columns}
            """, new { id, deliveryId, options.RetryFor }, tx, cancellationToken: ct));
        if (delivery is null) return GetDelivery.NotFound(deliveryId);
        await tx.CommitAsync(ct);
        deliverer.WakeSoon();
        return TypedResults.Accepted($"/api/notifications/subscriptions/{id}/deliveries/{deliveryId}", delivery);
    }
}
