using System.Collections.Concurrent;
using System.Text.Json;
using Channel.Hosting;
using Dapper;
using Npgsql;

namespace Channel.Messaging;

/// <summary>
/// Writes events into the service's <c>outbox</c> table inside the caller's transaction, so the
/// state change and its events commit together or not at all. The <c>pg_notify</c> is delivered
/// by PostgreSQL only on commit, which wakes every relay at once. Only a service's commit path (the
/// one place that bumps an aggregate's version) writes here; the architecture tests hold that line.
/// </summary>
public sealed class Outbox
{
    public const string Channel = "outbox";
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    static readonly ConcurrentDictionary<string, Type?> types = new();

    // created_at is the database's clock: the age of the oldest row is what operators watch.
    const string Sql = """
        insert into outbox (message_id, message_type, body, body_bytes, correlation_id)
        values (@MessageId, @MessageType, @Body::jsonb, @BodyBytes, @CorrelationId);
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
        }, tx, cancellationToken: ct));
        return messageId;
    }

    public static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    /// <summary>The type an outbox row names, or null when this process does not know it.</summary>
    public static Type? Resolve(string name) => types.GetOrAdd(name, n => Type.GetType(n, throwOnError: false));

    /// <summary>The message a row holds: its type resolved and its body read; an exception says why it cannot be.</summary>
    public static object Read(string messageType, string body)
    {
        var type = Resolve(messageType) ?? throw new PoisonMessageException($"unknown message type {messageType}");
        try
        {
            return JsonSerializer.Deserialize(body, type, Json) ?? throw new PoisonMessageException("the body is null");
        }
        catch (JsonException e)
        {
            throw new PoisonMessageException($"the body does not read as {type.Name}: {e.Message}", e);
        }
    }
}

/// <summary>An outbox row that cannot be published as it stands (unknown type, unreadable body, nowhere to go).</summary>
public sealed class PoisonMessageException(string message, Exception? inner = null) : Exception(message, inner);
