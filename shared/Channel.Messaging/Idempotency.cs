using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Channel.Messaging;

/// <summary>An Idempotency-Key as a caller sent it: whose it is, the key, and a hash of the request it came with.</summary>
public sealed record IdempotencyKey(string Scope, string Key, byte[] RequestHash);

/// <summary>
/// Safe retries of creating calls (IETF draft "The Idempotency-Key HTTP Header Field"): a client that
/// got no answer sends the same request with the same key again and gets the first answer back,
/// marked <c>Idempotent-Replayed: true</c>, and nothing happens twice. The key is claimed in the
/// same transaction as the effect, so a request that failed leaves it free, and two at once
/// serialise on it (the second waits, then replays the first's answer). The same key with a
/// different request is refused with 422. Keys are scoped to the caller and kept 48 hours.
/// </summary>
public sealed class Idempotency(IOptions<JsonOptions> json)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>Whose keys these are: the caller's tenant (partner or distributor) and subject, or "anonymous".</summary>
    public static string ScopeOf(Caller? caller) =>
        caller is null ? "anonymous" : $"{caller.Role}:{caller.PartnerId?.ToString() ?? caller.DistributorId?.ToString() ?? "-"}:{caller.Subject}";

    /// <summary>
    /// The request's key, or null when it sent none; a malformed one is added to <paramref name="check"/>.
    /// Keys are the caller's own (<see cref="ScopeOf"/>): another caller's same key is another key.
    /// </summary>
    public IdempotencyKey? Read(HttpRequest http, Caller? caller, string operation, object request, Check check)
    {
        var scope = ScopeOf(caller);
        if (!http.Headers.TryGetValue(Header, out var values)) return null;
        var key = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(key) || key.Length > 255 || key.Any(c => c is < '!' or > '~'))
        {
            check.Add(Header, "must be one key of 1 to 255 printable ASCII characters, such as a UUID");
            return null;
        }
        var canonical = JsonSerializer.SerializeToUtf8Bytes(request, request.GetType(), json.Value.SerializerOptions);
        var hash = SHA256.HashData([.. Encoding.UTF8.GetBytes(operation + "\n"), .. canonical]);
        return new IdempotencyKey(scope, key, hash);
    }

    sealed class Stored
    {
        public byte[] RequestHash { get; set; } = [];
        public int Status { get; set; }
        public string? Location { get; set; }
        public string? Response { get; set; }
    }

    const string Claim = """
        insert into idempotency_keys (scope, key, request_hash) values (@Scope, @Key, @RequestHash)
        on conflict do nothing
        """;

    /// <summary>
    /// Claims the key inside the transaction that will hold the effect. Null: go on (and
    /// <see cref="Remember"/> the answer before committing). Otherwise the answer to give instead:
    /// the first answer replayed, or 422 when the key came with another request.
    /// </summary>
    public async Task<IResult?> Begin(NpgsqlTransaction tx, IdempotencyKey? key, CancellationToken ct)
    {
        if (key is null) return null;
        var conn = tx.Connection!;
        if (await conn.ExecuteAsync(new CommandDefinition(Claim, key, tx, cancellationToken: ct)) == 1) return null;
        var stored = await conn.QuerySingleAsync<Stored>(new CommandDefinition(
            "select request_hash, status, location, response from idempotency_keys where scope = @Scope and key = @Key", key, tx, cancellationToken: ct));
        if (!stored.RequestHash.AsSpan().SequenceEqual(key.RequestHash))
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "This Idempotency-Key was already used with a different request.",
                detail: "Use a new key for a new request; send the same key only with the same request, to retry it.",
                extensions: new Dictionary<string, object?> { ["idempotencyKey"] = key.Key });
        return new Replayed(stored.Status, stored.Location, stored.Response ?? "null");
    }

    /// <summary>Stores the answer with the key, in the effect's transaction.</summary>
    public Task Remember(NpgsqlTransaction tx, IdempotencyKey? key, int status, string? location, object response, CancellationToken ct)
    {
        if (key is null) return Task.CompletedTask;
        var body = JsonSerializer.Serialize(response, response.GetType(), json.Value.SerializerOptions);
        return tx.Connection!.ExecuteAsync(new CommandDefinition(
            "update idempotency_keys set status = @Status, location = @Location, response = @Body where scope = @Scope and key = @Key",
            new { key.Scope, key.Key, Status = status, Location = location, Body = body }, tx, cancellationToken: ct));
    }

    /// <summary>The first answer, again.</summary>
    sealed class Replayed(int status, string? location, string body) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = status;
            http.Response.Headers[ReplayedHeader] = "true";
            if (location is not null) http.Response.Headers.Location = location;
            http.Response.ContentType = "application/json; charset=utf-8";
            return http.Response.WriteAsync(body);
        }
    }
}
