using System.Security.Claims;
using System.Text.Json.Nodes;
using Channel.Hosting.Auth;
using Channel.Notifications.Webhooks;
using Dapper;
using Npgsql;

namespace Channel.Notifications.Features;

/// <summary>
/// Sends a signed <c>ping</c> to a subscription's URL, like any delivery (same signature, same log,
/// same retries), so its owner can check the receiver before real events arrive. 409 while disabled.
/// </summary>
public static class PingSubscription
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/subscriptions/{id:guid}/ping", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<ListDeliveries.Delivery>(StatusCodes.Status202Accepted).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Send a test ping to a webhook subscription");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, WebhookOptions options, WebhookDeliverer deliverer,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (Subscriptions.Of(caller) is not { } owner) return TypedResults.Forbid();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var subscription = await Subscriptions.Load(conn, tx, owner, id, ct);
        if (subscription is null) return Subscriptions.NotFound(id);
        if (!subscription.Enabled) return Subscriptions.Disabled(id);
        var eventId = Guid.CreateVersion7();
        var payload = Deliveries.Payload(eventId, WebhookKinds.Ping, clock.GetUtcNow(), "subscription", id, 0,
            new JsonObject { ["subscriptionId"] = id, ["requestedBy"] = caller.Subject });
        var delivery = await conn.QuerySingleAsync<ListDeliveries.Delivery>(new CommandDefinition($"""
            insert into deliveries (subscription_id, event_id, kind, payload, retry_until)
            values (@id, @eventId, '{WebhookKinds.Ping}', @payload, now() + @RetryFor)
            returning {ListDeliveries.Columns}
            """, new { id, eventId, payload, options.RetryFor }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        deliverer.WakeSoon();
        return TypedResults.Accepted($"/api/notifications/subscriptions/{id}/deliveries/{delivery.Id}", delivery);
    }
}
