using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace Channel.Identity;

/// <summary>
/// Single-use links (an invitation to set a first password, a password reset). The secret is 256
/// random bits that only the mail carries; the table keeps its SHA-256. A new link of the same
/// purpose ends the older ones, and a used or expired one opens nothing.
/// </summary>
public static class Tickets
{
    public const string Invitation = "invitation";
    public const string Reset = "reset";

    public static async Task<(string Secret, DateTimeOffset ExpiresAt)> Issue(NpgsqlTransaction tx, Guid accountId, string purpose, TimeSpan lifetime,
        TimeProvider clock, CancellationToken ct)
    {
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        await tx.Connection!.ExecuteAsync(new CommandDefinition("""
            update account_tickets set expires_at = @now where account_id = @accountId and purpose = @purpose and used_at is null and expires_at > @now;
            insert into account_tickets (id, account_id, purpose, secret_hash, created_at, expires_at)
            values (@id, @accountId, @purpose, @hash, @now, @expires);
            """, new { id = Guid.CreateVersion7(), accountId, purpose, hash = Hash(secret), now, expires = now + lifetime }, tx, cancellationToken: ct));
        return (secret, now + lifetime);
    }

    /// <summary>The account a live ticket opens (locked for this transaction), without using it; null for an unknown, used or expired one.</summary>
    public static Task<Guid?> Peek(NpgsqlConnection connection, string secret, TimeProvider clock, CancellationToken ct, NpgsqlTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition($"""
            select account_id from account_tickets where secret_hash = @hash and used_at is null and expires_at > @now {(tx is null ? "" : "for update")}
            """, new { hash = Hash(secret), now = clock.GetUtcNow() }, tx, cancellationToken: ct));

    /// <summary>Marks a live ticket used and says whose it was; null when it opens nothing (two uses at once: the second gets null).</summary>
    public static Task<Guid?> Use(NpgsqlTransaction tx, string secret, TimeProvider clock, CancellationToken ct) =>
        tx.Connection!.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition("""
            update account_tickets set used_at = @now where secret_hash = @hash and used_at is null and expires_at > @now returning account_id
            """, new { hash = Hash(secret), now = clock.GetUtcNow() }, tx, cancellationToken: ct));

    static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
