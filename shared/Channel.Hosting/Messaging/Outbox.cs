using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Channel.Hosting.Messaging;

/// <summary>
/// Writes events into the service's <c>outbox</c> table inside the caller's transaction, so the
/// state change and its events commit together or not at all. The <c>pg_notify</c> is delivered
/// by PostgreSQL only on commit, which wakes every relay at once.
/// </summary>
public sealed class Outbox(TimeProvider clock)
{
    public const string Channel = "outbox";
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    static readonly ConcurrentDictionary<string, Type?> types = new();

    const string Sql = """
        insert into outbox (message_id, message_type, body, body_bytes, correlation_id, created_at)
        values (@MessageId, @MessageType, @Body::jsonb, @BodyBytes, @CorrelationId, @CreatedAt);
        select pg_notify('outbox', '');
        """;

    public async Task<Guid> Add<T>(NpgsqlTransaction tx, T message, CancellationToken ct) where T : class
    {
        var messageId = Guid.CreateVersion7();
        var body = JsonSerializer.Serialize(message, message.GetType(), Json);
        await tx.Connection!.ExecuteAsync(new CommandDefinition(Sql, new
        {
            MessageId = messageId,
            MessageType = TypeName(message.GetType()),
            Body = body,
            BodyBytes = body.Length,
            CorrelationId = Correlation.Current,
            CreatedAt = clock.GetUtcNow(),
        }, tx, cancellationToken: ct));
        return messageId;
    }

    internal static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    internal static Type? Resolve(string name) => types.GetOrAdd(name, n => Type.GetType(n, throwOnError: false));
}
