using System.Collections.Immutable;
using System.Text.Json;
using Npgsql;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Channel.Identity.Stores;

/// <summary>OpenIddict's tokens in <c>oidc_tokens</c>.</summary>
public sealed class OidcTokenStore(NpgsqlDataSource db) : IOpenIddictTokenStore<OidcToken>
{
    readonly OidcTable<OidcToken> table = new(db, "oidc_tokens");

    public ValueTask<long> CountAsync(CancellationToken ct) => table.Scalar("select count(*) from oidc_tokens", null, ct);
    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<OidcToken>, IQueryable<TResult>> query, CancellationToken ct) => throw Unsupported.Queries;

    public ValueTask CreateAsync(OidcToken token, CancellationToken ct) => table.Insert(token, ct);

    public ValueTask DeleteAsync(OidcToken token, CancellationToken ct) => table.Delete(token, ct);

    public IAsyncEnumerable<OidcToken> FindAsync(string? subject, string? client, string? status, string? type, CancellationToken ct) =>
        table.Many("""
            where (@subject::text is null or subject = @subject) and (@client::text is null or application_id = @client)
              and (@status::text is null or status = @status) and (@type::text is null or type = @type)
            """, new { subject, client, status, type }, ct);

    public IAsyncEnumerable<OidcToken> FindByApplicationIdAsync(string identifier, CancellationToken ct) =>
        table.Many("where application_id = @identifier", new { identifier }, ct);

    public IAsyncEnumerable<OidcToken> FindByAuthorizationIdAsync(string identifier, CancellationToken ct) =>
        table.Many("where authorization_id = @identifier", new { identifier }, ct);

    public ValueTask<OidcToken?> FindByIdAsync(string identifier, CancellationToken ct) => table.One("id = @identifier", new { identifier }, ct);

    public ValueTask<OidcToken?> FindByReferenceIdAsync(string identifier, CancellationToken ct) =>
        table.One("reference_id = @identifier", new { identifier }, ct);

    public IAsyncEnumerable<OidcToken> FindBySubjectAsync(string subject, CancellationToken ct) =>
        table.Many("where subject = @subject", new { subject }, ct);

    public ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<OidcToken>, TState, IQueryable<TResult>> query, TState state, CancellationToken ct) =>
        throw Unsupported.Queries;

    public ValueTask<string?> GetApplicationIdAsync(OidcToken token, CancellationToken ct) => new(token.ApplicationId);
    public ValueTask<string?> GetAuthorizationIdAsync(OidcToken token, CancellationToken ct) => new(token.AuthorizationId);
    public ValueTask<DateTimeOffset?> GetCreationDateAsync(OidcToken token, CancellationToken ct) => new(token.CreationDate);
    public ValueTask<DateTimeOffset?> GetExpirationDateAsync(OidcToken token, CancellationToken ct) => new(token.ExpirationDate);
    public ValueTask<string?> GetIdAsync(OidcToken token, CancellationToken ct) => new(token.Id);
    public ValueTask<string?> GetPayloadAsync(OidcToken token, CancellationToken ct) => new(token.Payload);
    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(OidcToken token, CancellationToken ct) => new(JsonColumn.Properties(token.Properties));
    public ValueTask<DateTimeOffset?> GetRedemptionDateAsync(OidcToken token, CancellationToken ct) => new(token.RedemptionDate);
    public ValueTask<string?> GetReferenceIdAsync(OidcToken token, CancellationToken ct) => new(token.ReferenceId);
    public ValueTask<string?> GetStatusAsync(OidcToken token, CancellationToken ct) => new(token.Status);
    public ValueTask<string?> GetSubjectAsync(OidcToken token, CancellationToken ct) => new(token.Subject);
    public ValueTask<string?> GetTypeAsync(OidcToken token, CancellationToken ct) => new(token.Type);

    public ValueTask<OidcToken> InstantiateAsync(CancellationToken ct) => new(new OidcToken());

    public IAsyncEnumerable<OidcToken> ListAsync(int? count, int? offset, CancellationToken ct) =>
        table.Many("order by id limit @count offset @offset", new { count = count ?? int.MaxValue, offset = offset ?? 0 }, ct);

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(Func<IQueryable<OidcToken>, TState, IQueryable<TResult>> query, TState state, CancellationToken ct) =>
        throw Unsupported.Queries;

    /// <summary>Tokens that can no longer be used (expired, or not valid and older than the threshold), and authorizations left without any.</summary>
    public ValueTask<long> PruneAsync(DateTimeOffset threshold, CancellationToken ct) => table.Execute($"""
        delete from oidc_tokens t
        where t.creation_date < @threshold
          and (t.status not in ('{Statuses.Inactive}', '{Statuses.Valid}') or t.expiration_date < now()
               or exists (select 1 from oidc_authorizations a where a.id = t.authorization_id and a.status <> '{Statuses.Valid}'))
        """, new { threshold }, ct);

    public ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken ct) =>
        table.Execute($"""
            update oidc_tokens set status = '{Statuses.Revoked}', concurrency_token = gen_random_uuid()::text
            where (@subject::text is null or subject = @subject) and (@client::text is null or application_id = @client)
              and (@status::text is null or status = @status) and (@type::text is null or type = @type)
            """, new { subject, client, status, type }, ct);

    public ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken ct) =>
        table.Execute($"update oidc_tokens set status = '{Statuses.Revoked}', concurrency_token = gen_random_uuid()::text where application_id = @identifier",
            new { identifier }, ct);

    public ValueTask<long> RevokeByAuthorizationIdAsync(string identifier, CancellationToken ct) =>
        table.Execute($"update oidc_tokens set status = '{Statuses.Revoked}', concurrency_token = gen_random_uuid()::text where authorization_id = @identifier",
            new { identifier }, ct);

    public ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken ct) =>
        table.Execute($"update oidc_tokens set status = '{Statuses.Revoked}', concurrency_token = gen_random_uuid()::text where subject = @subject",
            new { subject }, ct);

    public ValueTask SetApplicationIdAsync(OidcToken token, string? identifier, CancellationToken ct) { token.ApplicationId = identifier; return default; }
    public ValueTask SetAuthorizationIdAsync(OidcToken token, string? identifier, CancellationToken ct) { token.AuthorizationId = identifier; return default; }
    public ValueTask SetCreationDateAsync(OidcToken token, DateTimeOffset? date, CancellationToken ct) { token.CreationDate = date; return default; }
    public ValueTask SetExpirationDateAsync(OidcToken token, DateTimeOffset? date, CancellationToken ct) { token.ExpirationDate = date; return default; }
    public ValueTask SetPayloadAsync(OidcToken token, string? payload, CancellationToken ct) { token.Payload = payload; return default; }
    public ValueTask SetPropertiesAsync(OidcToken token, ImmutableDictionary<string, JsonElement> properties, CancellationToken ct) { token.Properties = JsonColumn.Write(properties); return default; }
    public ValueTask SetRedemptionDateAsync(OidcToken token, DateTimeOffset? date, CancellationToken ct) { token.RedemptionDate = date; return default; }
    public ValueTask SetReferenceIdAsync(OidcToken token, string? identifier, CancellationToken ct) { token.ReferenceId = identifier; return default; }
    public ValueTask SetStatusAsync(OidcToken token, string? status, CancellationToken ct) { token.Status = status; return default; }
    public ValueTask SetSubjectAsync(OidcToken token, string? subject, CancellationToken ct) { token.Subject = subject; return default; }
    public ValueTask SetTypeAsync(OidcToken token, string? type, CancellationToken ct) { token.Type = type; return default; }

    public ValueTask UpdateAsync(OidcToken token, CancellationToken ct) => table.Update(token, ct);
}

static class Unsupported
{
    /// <summary>The stores answer OpenIddict's own lookups in SQL; LINQ queries over them are for Entity Framework's stores.</summary>
    public static NotSupportedException Queries => new("these stores are SQL: LINQ queries over them are not supported");
}
