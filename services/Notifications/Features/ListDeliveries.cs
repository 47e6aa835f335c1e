using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Notifications.Webhooks;
using Dapper;
using Npgsql;

namespace Channel.Notifications.Features;

/// <summary>
/// A subscription's delivery log, newest first: each event owed to it, how many attempts it took,
/// the receiver's last answer and latency, and where it stands (pending, retrying, delivered, given
/// up). Paged by <c>before</c> (the last id of the previous page); filtered by <c>status</c>.
/// </summary>
public static class ListDeliveries
{
    public static readonly string[] Statuses = ["pending", "retrying", "delivered", "given_up"];

    public sealed class Delivery
    {
        public long Id { get; set; }
        public Guid SubscriptionId { get; set; }
        public Guid EventId { get; set; }
        public string Kind { get; set; } = "";
        public string Status { get; set; } = "";
        public int Attempts { get; set; }
        public int? LastStatusCode { get; set; }
        public string? LastError { get; set; }
        public int? LastLatencyMs { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? NextAttemptAt { get; set; }
        public DateTimeOffset? DeliveredAt { get; set; }
        public DateTimeOffset? GivenUpAt { get; set; }
    }

    public sealed record Page(IReadOnlyList<Delivery> Items, long? NextBefore);

    public const string Columns = """
        id, subscription_id, event_id, kind,
        case when delivered_at is not null then 'delivered' when given_up_at is not null then 'given_up'
             when attempts = 0 then 'pending' else 'retrying' end as status,
        attempts, last_status as last_status_code, last_error, last_latency_ms, created_at,
        case when delivered_at is null and given_up_at is null then next_attempt_at end as next_attempt_at, delivered_at, given_up_at
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/subscriptions/{id:guid}/deliveries", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Page>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).WithValues("status", Statuses)
            .WithSummary("A webhook subscription's delivery log");

    static async Task<IResult> Handle(Guid id, string? status, long? before, int? limit, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        if (Subscriptions.Of(Caller.From(user)) is not { } owner) return TypedResults.Forbid();
        var check = new Check();
        status = check.OneOf("status", status, Statuses, required: false);
        var take = check.Range("limit", limit, 1, 500, required: false) ?? 50;
        if (before is < 1) check.Add("before", "must be a delivery id");
        if (check.Failed) return check.Problem();

        await using var conn = await db.OpenConnectionAsync(ct);
        if (await Subscriptions.Load(conn, null, owner, id, ct) is null) return Subscriptions.NotFound(id);
        var items = (await conn.QueryAsync<Delivery>(new CommandDefinition($"""
            select * from (select {Columns} from deliveries where subscription_id = @id and (@before::bigint is null or id < @before)) d
            where @status::text is null or d.status = @status
            order by id desc limit @take
            """, new { id, before, status, take = take + 1 }, cancellationToken: ct))).AsList();
        long? next = null;
        if (items.Count > take)
        {
            items.RemoveAt(take);
            next = items[^1].Id;
        }
        return TypedResults.Ok(new Page(items, next));
    }
}
