using System.Security.Claims;
using System.Text.Json;
using Channel.Hosting.Auth;
using Channel.Notifications.Webhooks;
using Dapper;
using Npgsql;

namespace Channel.Notifications.Features;

/// <summary>One delivery with the payload sent and every attempt: when, the receiver's status code or the error, the latency.</summary>
public static class GetDelivery
{
    public sealed class Attempt
    {
        public DateTimeOffset AttemptedAt { get; set; }
        public int? StatusCode { get; set; }
        public string? Error { get; set; }
        public int LatencyMs { get; set; }
        public bool Succeeded { get; set; }
    }

    public sealed record Detail(ListDeliveries.Delivery Delivery, JsonElement Payload, IReadOnlyList<Attempt> Attempts);

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/subscriptions/{id:guid}/deliveries/{deliveryId:long}", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Detail>().ProducesProblem(403).ProducesProblem(404).WithSummary("A webhook delivery, its payload and its attempts");

    static async Task<IResult> Handle(Guid id, long deliveryId, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        if (Subscriptions.Of(Caller.From(user)) is not { } owner) return TypedResults.Forbid();
        await using var conn = await db.OpenConnectionAsync(ct);
        if (await Subscriptions.Load(conn, null, owner, id, ct) is null) return Subscriptions.NotFound(id);
        var delivery = await conn.QuerySingleOrDefaultAsync<ListDeliveries.Delivery>(new CommandDefinition(
            $"select {ListDeliveries.Columns} from deliveries where id = @deliveryId and subscription_id = @id", new { id, deliveryId }, cancellationToken: ct));
        if (delivery is null) return NotFound(deliveryId);
        var payload = await conn.ExecuteScalarAsync<string>(new CommandDefinition("select payload from deliveries where id = @deliveryId",
            new { deliveryId }, cancellationToken: ct));
        var attempts = await conn.QueryAsync<Attempt>(new CommandDefinition("""
            select attempted_at, status_code, error, latency_ms, succeeded from delivery_attempts where delivery_id = @deliveryId order by id
            """, new { deliveryId }, cancellationToken: ct));
        return TypedResults.Ok(new Detail(delivery, JsonDocument.Parse(payload!).RootElement.Clone(), [.. attempts]));
    }

    public static IResult NotFound(long deliveryId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such delivery.", detail: $"delivery {deliveryId} was not found.");
}
