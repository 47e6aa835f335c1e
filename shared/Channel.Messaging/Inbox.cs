using Dapper;
using MassTransit;
using Npgsql;

namespace Channel.Messaging;

/// <summary>
/// Makes a consumer idempotent: the message id is recorded in the <c>inbox</c> table, keyed by
/// (consumer, message id), in the same transaction as the consumer's effect, so a redelivered
/// message changes nothing for that consumer and two consumers of one message in a service each
/// apply it once. Two copies handled at once serialise on the primary key; the second sees the
/// first's row. Rows are purged after a while (<see cref="InboxPurge"/>): an effect that must never
/// be applied twice, however late the copy, keeps its own key in a table of its own.
/// </summary>
public sealed class Inbox<TConsumer>(NpgsqlDataSource db) where TConsumer : class
{
    /// <summary>The consumer's name in the inbox: its class, which also names its queue.</summary>
    public static readonly string Consumer = typeof(TConsumer).FullName!;

    const string Record = """
        insert into inbox (message_id, consumer) values (@MessageId, @Consumer)
        on conflict do nothing
        """;

    /// <summary>Runs the effect once per message id; returns false for a duplicate.</summary>
    public async Task<bool> Once<T>(ConsumeContext<T> context, Func<NpgsqlTransaction, CancellationToken, Task> effect)
        where T : class
    {
        var messageId = context.MessageId ?? throw new InvalidOperationException($"{typeof(T).Name} arrived without a message id");
        var ct = context.CancellationToken;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var first = await conn.ExecuteAsync(new CommandDefinition(Record,
            new { MessageId = messageId, Consumer }, tx, cancellationToken: ct));
        if (first == 0) return false;
        await effect(tx, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    const string RecordMany = """
        insert into inbox (message_id, consumer) select id, @Consumer from unnest(@MessageIds::uuid[]) id order by id
        on conflict do nothing
        returning message_id
        """;

    /// <summary>
    /// A batch in one transaction: every message id is recorded, and the effect gets only the
    /// messages not seen before (a redelivered batch, or a batch with a redelivered message in it).
    /// </summary>
    public async Task OnceEach<T>(ConsumeContext<Batch<T>> context, Func<NpgsqlTransaction, IReadOnlyList<T>, CancellationToken, Task> effect)
        where T : class
    {
        var messages = context.Message.Select(m => (Id: m.MessageId ?? throw new InvalidOperationException($"{typeof(T).Name} arrived without a message id"), m.Message))
            .DistinctBy(m => m.Id).ToList();
        var ct = context.CancellationToken;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var fresh = (await conn.QueryAsync<Guid>(new CommandDefinition(RecordMany,
            new { MessageIds = messages.Select(m => m.Id).ToArray(), Consumer }, tx, cancellationToken: ct))).ToHashSet();
        if (fresh.Count == 0) return;
        await effect(tx, [.. messages.Where(m => fresh.Contains(m.Id)).Select(m => m.Message)], ct);
        await tx.CommitAsync(ct);
    }
}
