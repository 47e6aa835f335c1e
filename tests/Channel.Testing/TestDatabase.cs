using Dapper;
using Npgsql;

namespace Channel.Testing;

/// <summary>A database of its own for one fixture, dropped at the end.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public string Name { get; }
    public string ConnectionString { get; }

    TestDatabase(string name)
    {
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres) { Database = name }.ConnectionString;
    }

    public static async Task<TestDatabase> Create(string purpose)
    {
        var db = new TestDatabase($"t_{purpose}_{Guid.NewGuid():N}"[..40].ToLowerInvariant());
        await using var conn = new NpgsqlConnection(TestEnvironment.Postgres);
        await conn.ExecuteAsync($"create database \"{db.Name}\"");
        return db;
    }

    public async Task<NpgsqlConnection> Open()
    {
        var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        return conn;
    }

    public async Task<T> Scalar<T>(string sql, object? args = null)
    {
        await using var conn = await Open();
        return await conn.ExecuteScalarAsync<T>(sql, args) ?? default!;
    }

    public async Task<IReadOnlyList<T>> Query<T>(string sql, object? args = null)
    {
        await using var conn = await Open();
        return [.. await conn.QueryAsync<T>(sql, args)];
    }

    /// <summary>Waits until a count query answers <paramref name="expected"/> (what a consumer did, seen in its tables).</summary>
    public Task WaitFor(string countSql, long expected = 1, TimeSpan? timeout = null, object? args = null) =>
        Eventually.True(async () => await Scalar<long>(countSql, args) == expected, $"{countSql} to answer {expected}", timeout);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(TestEnvironment.Postgres);
        await conn.ExecuteAsync($"drop database if exists \"{Name}\" with (force)");
    }
}
