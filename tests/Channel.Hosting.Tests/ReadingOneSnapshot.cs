using Channel.Messaging;
using Channel.Testing;
using Dapper;

namespace Channel.Hosting.Tests;

/// <summary>
/// A list answers with a page and a total counted by a second statement: both must read the same rows, or a row
/// committed between them makes the total promise an item the page does not have (a flaky end-to-end run showed it).
/// </summary>
public sealed class ReadingOneSnapshot : IAsyncLifetime
{
    TestDatabase db = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.Create("snapshot");
        await using var conn = await db.Open();
        await conn.ExecuteAsync("create table things (id int primary key)");
    }

    public Task DisposeAsync() => db.DisposeAsync().AsTask();

    [Fact]
    public async Task A_row_committed_between_two_statements_is_seen_by_neither_or_by_both()
    {
        await using var source = Database.CreateDataSource(db.ConnectionString);
        await using var snapshot = await source.OpenSnapshotAsync(default);
        var before = await snapshot.QuerySingleAsync<long>("select count(*) from things");

        await using (var other = await db.Open())
            await other.ExecuteAsync("insert into things values (1)");

        Assert.Equal(before, await snapshot.QuerySingleAsync<long>("select count(*) from things"));
        await using var plain = await source.OpenConnectionAsync();
        Assert.Equal(before + 1, await plain.QuerySingleAsync<long>("select count(*) from things"));
    }

    [Fact]
    public async Task The_snapshot_ends_with_the_connection_and_its_pooled_successor_reads_fresh()
    {
        await using var source = Database.CreateDataSource($"{db.ConnectionString};Maximum Pool Size=1");
        await using (var snapshot = await source.OpenSnapshotAsync(default))
            await snapshot.QuerySingleAsync<long>("select count(*) from things");

        await using var next = await source.OpenConnectionAsync();
        await using (var other = await db.Open())
            await other.ExecuteAsync("insert into things values (2)");
        Assert.Equal(1L, await next.QuerySingleAsync<long>("select count(*) from things where id = 2"));
    }
}
