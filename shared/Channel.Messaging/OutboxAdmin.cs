using System.Diagnostics.Metrics;
using System.Text.Json;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace Channel.Messaging;

/// <summary>
/// What an operator sees of a service's outbox: how many events wait and for how long, and the dead
/// letters (rows the relay set aside because they could not be published as they stand), which an
/// admin can read, fix (type and body), send again or drop.
/// </summary>
public static class OutboxAdmin
{
    public sealed record Summary(long Waiting, double OldestAgeSeconds, long DeadLetters);

    public sealed class DeadLetter
    {
        public long Id { get; set; }
        public Guid MessageId { get; set; }
        public string MessageType { get; set; } = "";
        public JsonElement Body { get; set; }
        public string? CorrelationId { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public int Attempts { get; set; }
        public string? LastError { get; set; }
        public DateTimeOffset SetAsideAt { get; set; }
    }

    sealed class DeadLetterRow
    {
        public long Id { get; set; }
        public Guid MessageId { get; set; }
        public string MessageType { get; set; } = "";
        public string Body { get; set; } = "";
        public string? CorrelationId { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public int Attempts { get; set; }
        public string? LastError { get; set; }
        public DateTimeOffset SetAsideAt { get; set; }

        public DeadLetter Shown() => new()
        {
            Id = Id,
            MessageId = MessageId,
            MessageType = MessageType,
            Body = JsonDocument.Parse(Body).RootElement.Clone(),
            CorrelationId = CorrelationId,
            CreatedAt = CreatedAt,
            Attempts = Attempts,
            LastError = LastError,
            SetAsideAt = SetAsideAt,
        };
    }

    public sealed record Fix(string? MessageType, JsonElement? Body);

    static readonly Meter meter = new("Channel.Outbox");
    static double oldestAge;
    static long deadLetters;

    static OutboxAdmin()
    {
        meter.CreateObservableGauge("channel.outbox.oldest_age", () => oldestAge, "s", "Age of the oldest event waiting in the outbox");
        meter.CreateObservableGauge("channel.outbox.dead_letters", () => deadLetters, description: "Events set aside as dead letters");
    }

    const string SummarySql = """
        select (select count(*) from outbox) as waiting,
               coalesce((select extract(epoch from clock_timestamp() - created_at)::float8 from outbox order by id limit 1), 0) as oldest_age_seconds,
               (select count(*) from outbox_dead_letters) as dead_letters
        """;

    public static async Task<Summary> Summarise(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var summary = await conn.QuerySingleAsync<Summary>(new CommandDefinition(SummarySql, cancellationToken: ct));
        oldestAge = summary.OldestAgeSeconds;
        deadLetters = summary.DeadLetters;
        return summary;
    }

    const string Columns = "id, message_id, message_type, body::text as body, correlation_id, created_at, attempts, last_error, set_aside_at";

    const string RequeueSql = """
        with moved as (delete from outbox_dead_letters where id = @Id returning *)
        insert into outbox (message_id, message_type, body, body_bytes, correlation_id, created_at)
        select message_id, message_type, body, body_bytes, correlation_id, created_at from moved
        returning id;
        select pg_notify('outbox', '');
        """;

    /// <summary>The dead letters, oldest first (at most 1,000).</summary>
    public static async Task<List<DeadLetter>> DeadLetters(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<DeadLetterRow>(new CommandDefinition($"select {Columns} from outbox_dead_letters order by id limit 1000", cancellationToken: ct));
        return [.. rows.Select(r => r.Shown())];
    }

    /// <summary>Puts a dead letter back in the outbox with its message id and a fresh count of attempts; false when there is none.</summary>
    public static async Task<bool> Requeue(NpgsqlDataSource db, long id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(RequeueSql, new { Id = id }, cancellationToken: ct)) is not null;
    }

    /// <summary>Drops a dead letter for good (its body goes to the log); false when there is none.</summary>
    public static async Task<bool> Drop(NpgsqlDataSource db, long id, ILogger logger, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var dropped = await conn.QueryFirstOrDefaultAsync<DeadLetterRow>(new CommandDefinition(
            $"delete from outbox_dead_letters where id = @Id returning {Columns}", new { Id = id }, cancellationToken: ct));
        if (dropped is null) return false;
        logger.LogWarning("dead letter {Id} ({MessageType}, message {MessageId}) dropped by an operator: {Body}",
            dropped.Id, dropped.MessageType, dropped.MessageId, dropped.Body);
        return true;
    }

    /// <summary>GET/PUT/POST/DELETE {prefix}/admin/outbox…, for admins.</summary>
    public static void Map(RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin/outbox").RequireAuthorization(Policies.Admin).WithTags("operations");
        admin.MapGet("/", async (NpgsqlDataSource db, CancellationToken ct) => TypedResults.Ok(await Summarise(db, ct)))
            .WithSummary("How many events wait in this service's outbox, the age of the oldest, and how many were set aside");
        admin.MapGet("/dead-letters", async (NpgsqlDataSource db, CancellationToken ct) => TypedResults.Ok(await DeadLetters(db, ct)))
            .WithSummary("Events the relay set aside, with why");
        admin.MapGet("/dead-letters/{id:long}", async (long id, NpgsqlDataSource db, CancellationToken ct) =>
            await Find(db, id, ct) is { } row ? Results.Ok(row.Shown()) : NotFound(id)).WithSummary("One dead letter");
        admin.MapPut("/dead-letters/{id:long}", async (long id, Fix fix, NpgsqlDataSource db, CancellationToken ct) =>
        {
            var found = await Find(db, id, ct);
            if (found is null) return NotFound(id);
            var check = new Check();
            var type = check.Text("messageType", fix.MessageType, 500, required: false) ?? found.MessageType;
            if (fix.Body is { ValueKind: not JsonValueKind.Object }) check.Add("body", "must be a JSON object");
            var body = fix.Body?.GetRawText() ?? found.Body;
            if (!check.Failed)
                try { Outbox.Read(type, body); }
                catch (PoisonMessageException e) { check.Add(Outbox.Resolve(type) is null ? "messageType" : "body", e.Message); }
            if (check.Failed) return check.Problem("The fixed message still cannot be read.");
            await using var conn = await db.OpenConnectionAsync(ct);
            await conn.ExecuteAsync(new CommandDefinition(
                "update outbox_dead_letters set message_type = @Type, body = @Body::jsonb, body_bytes = @Bytes where id = @Id",
                new { Id = id, Type = type, Body = body, Bytes = body.Length }, cancellationToken: ct));
            return Results.Ok((await Find(db, id, ct))!.Shown());
        }).WithSummary("Fix a dead letter's type or body (it must then read as that type)");
        admin.MapPost("/dead-letters/{id:long}/requeue", async (long id, NpgsqlDataSource db, CancellationToken ct) =>
            await Requeue(db, id, ct) ? Results.Ok(new { id, requeued = true }) : NotFound(id))
            .WithSummary("Put a dead letter back in the outbox, to be published again with its message id");
        admin.MapDelete("/dead-letters/{id:long}", async (long id, NpgsqlDataSource db, ILoggerFactory logs, CancellationToken ct) =>
            await Drop(db, id, logs.CreateLogger("Channel.Outbox"), ct) ? Results.NoContent() : NotFound(id))
            .WithSummary("Drop a dead letter for good (its body is written to the log)");
    }

    static async Task<DeadLetterRow?> Find(NpgsqlDataSource db, long id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<DeadLetterRow>(new CommandDefinition(
            $"select {Columns} from outbox_dead_letters where id = @Id", new { Id = id }, cancellationToken: ct));
    }

    static IResult NotFound(long id) =>
        Results.Problem(statusCode: 404, title: "No such dead letter.", detail: $"Dead letter {id} was not found.");
}
