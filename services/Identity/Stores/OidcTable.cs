using System.Runtime.CompilerServices;
using Dapper;
using Npgsql;
using OpenIddict.Abstractions;

namespace Channel.Identity.Stores;

/// <summary>
/// The SQL the four OpenIddict stores share: insert, update and delete a row by its id under its
/// concurrency token (a second writer of the same row, such as two redemptions of one refresh token
/// at once, gets OpenIddict's concurrency exception and loses), and read rows.
/// </summary>
sealed class OidcTable<T>(NpgsqlDataSource db, string table) where T : class, IOidcRow
{
    static readonly string[] columns = [.. typeof(T).GetProperties().Select(p => p.Name)];
    static string Snake(string name) => string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? $"_{char.ToLowerInvariant(c)}" : char.ToLowerInvariant(c).ToString()));

    readonly string insert = $"insert into {table} ({string.Join(", ", columns.Select(Snake))}) values ({string.Join(", ", columns.Select(c => "@" + c))})";
    readonly string update = $"""
        update {table} set {string.Join(", ", columns.Where(c => c != "Id").Select(c => $"{Snake(c)} = @{c}"))}
        where id = @Id and concurrency_token is not distinct from @PreviousToken
        """;
    readonly string delete = $"delete from {table} where id = @Id and concurrency_token is not distinct from @ConcurrencyToken";
    public readonly string Select = $"select * from {table}";

    /// <summary>Saves a new row, giving it an id if it has none and its first concurrency token.</summary>
    public async ValueTask Insert(T row, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(row.Id)) row.Id = Guid.NewGuid().ToString();
        row.ConcurrencyToken = NewToken();
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(insert, row, cancellationToken: ct));
    }

    /// <summary>Saves a changed row if nobody changed it since it was read, with a new concurrency token.</summary>
    public async ValueTask Update(T row, CancellationToken ct)
    {
        var previousToken = row.ConcurrencyToken;
        row.ConcurrencyToken = NewToken();
        var parameters = new DynamicParameters(row);
        parameters.Add("PreviousToken", previousToken);
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition(update, parameters, cancellationToken: ct)) == 0)
        {
            row.ConcurrencyToken = previousToken;
            throw new OpenIddictExceptions.ConcurrencyException("the row was changed or deleted by someone else since it was read");
        }
    }

    public async ValueTask Delete(T row, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition(delete, row, cancellationToken: ct)) == 0)
            throw new OpenIddictExceptions.ConcurrencyException("the row was changed or deleted by someone else since it was read");
    }

    public async ValueTask<T?> One(string where, object args, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<T>(new CommandDefinition($"{Select} where {where}", args, cancellationToken: ct));
    }

    public async IAsyncEnumerable<T> Many(string where, object? args, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        foreach (var row in await connection.QueryAsync<T>(new CommandDefinition($"{Select} {where}", args, cancellationToken: ct)))
            yield return row;
    }

    public async ValueTask<long> Scalar(string sql, object? args, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, args, cancellationToken: ct));
    }

    public async ValueTask<long> Execute(string sql, object? args, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, args, cancellationToken: ct));
    }

    static string NewToken() => Guid.NewGuid().ToString();
}
