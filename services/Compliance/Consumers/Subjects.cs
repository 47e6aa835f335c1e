using Dapper;
using Npgsql;

namespace Channel.Compliance.Consumers;

/// <summary>Compliance's copy of what it screens, kept from its owner's events: the highest version wins, whatever order they arrive in.</summary>
static class Subjects
{
    // A subject that is no longer live leaves the queue (an open review is dropped; an officer's decision is kept).
    const string UpsertSql = """
        insert into subjects (kind, id, version, name, inputs, live, updated_at)
        values (@Kind, @Id, @Version, @Name, @Inputs::jsonb, @Live, @Now)
        on conflict (kind, id) do update set version = excluded.version, name = excluded.name, inputs = excluded.inputs, live = excluded.live,
            review = case when excluded.live then subjects.review when subjects.review = 'open' then null else subjects.review end
        where subjects.version < excluded.version
        """;

    /// <summary>Saves the subject at its version; 0 when a newer version is already kept.</summary>
    public static Task<int> Upsert(NpgsqlTransaction tx, string kind, string id, int version, string name, string inputs, bool live,
        DateTimeOffset now, CancellationToken ct) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(UpsertSql,
            new { Kind = kind, Id = id, Version = version, Name = name, Inputs = inputs, Live = live, Now = now }, tx, cancellationToken: ct));
}
