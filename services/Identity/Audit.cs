using Dapper;
using Npgsql;

namespace Channel.Identity;

/// <summary>What happened to whom, from where; kept, never changed. An admin lists it (<c>GET /api/identity/audit</c>).</summary>
public static class Audit
{
    public const string SignedIn = "signed_in";
    public const string SignInFailed = "sign_in_failed";
    public const string SignInRefused = "sign_in_refused";
    public const string LockedOut = "locked_out";
    public const string Unlocked = "unlocked";
    public const string PasswordSet = "password_set";
    public const string PasswordResetRequested = "password_reset_requested";
    public const string Invited = "invited";
    public const string TwoFactorEnrolled = "two_factor_enrolled";
    public const string TwoFactorRemoved = "two_factor_removed";
    public const string TwoFactorFailed = "two_factor_failed";
    public const string TokensRevoked = "tokens_revoked";
    public const string SignedOut = "signed_out";
    public const string Disabled = "disabled";
    public const string Enabled = "enabled";
    public const string Created = "created";
    public const string KeysRotated = "keys_rotated";
    public const string RefreshTokenReused = "refresh_token_reused";
    public static readonly string[] All = [SignedIn, SignInFailed, SignInRefused, LockedOut, Unlocked, PasswordSet, PasswordResetRequested, Invited,
        TwoFactorEnrolled, TwoFactorRemoved, TwoFactorFailed, TokensRevoked, SignedOut, Disabled, Enabled, Created, KeysRotated, RefreshTokenReused];

    const string Sql = """
        insert into audit (account_id, email, kind, client_ip, client_id, detail) values (@accountId, @email, @kind, @clientIp, @clientId, @detail)
        """;

    public static Task Record(NpgsqlConnection connection, string kind, Guid? accountId, string? email, HttpContext? http, CancellationToken ct,
        string? detail = null, string? clientId = null, NpgsqlTransaction? tx = null) =>
        connection.ExecuteAsync(new CommandDefinition(Sql, new
        {
            accountId,
            email,
            kind,
            clientIp = http?.Connection.RemoteIpAddress?.ToString(),
            clientId,
            detail,
        }, tx, cancellationToken: ct));
}
