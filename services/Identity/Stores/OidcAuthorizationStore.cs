using System.Collections.Immutable;
using System.Text.Json;
using Npgsql;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Channel.Identity.Stores;

/// <summary>OpenIddict's authorizations in <c>oidc_authorizations</c>.</summary>
public sealed class OidcAuthorizationStore(NpgsqlDataSource db) : IOpenIddictAuthorizationStore<OidcAuthorization>
{
    readonly OidcTable<OidcAuthorization> table = new(db, "oidc_authorizations");

    public ValueTask<long> CountAsync(CancellationToken ct) => table.Scalar("select count(*) from oidc_authorizations", null, ct);
    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<OidcAuthorization>, IQueryable<TResult>> query, CancellationToken ct) => throw Unsupported.Queries;

    public ValueTask CreateAsync(OidcAuthorization authorization, CancellationToken ct) => table.Insert(authorization, ct);

    public ValueTask DeleteAsync(OidcAuthorization authorization, CancellationToken ct) => table.Delete(authorization, ct);

    public async IAsyncEnumerable<OidcAuthorization> FindAsync(string? subject, string? client, string? status, string? type,
        ImmutableArray<string>? scopes, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var row in table.Many("""
            where (@subject::text is null or subject = @subject) and (@client::text is null or application_id = @client)
              and (@status::text is null or status = @status) and (@type::text is null or type = @type)
            """, new { subject, client, status, type }, ct))
        {
            if (scopes is { } wanted && !JsonColumn.Strings(row.Scopes).ToHashSet(StringComparer.Ordinal).IsSupersetOf(wanted)) continue;
            yield return row;
        }
    }

    public IAsyncEnumerable<OidcAuthorization> FindByApplicationIdAsync(string identifier, CancellationToken ct) =>
        table.Many("where application_id = @identifier", new { identifier }, ct);

    public ValueTask<OidcAuthorization?> FindByIdAsync(string identifier, CancellationToken ct) => table.One("id = @identifier", new { identifier }, ct);

    public IAsyncEnumerable<OidcAuthorization> FindBySubjectAsync(string subject, CancellationToken ct) =>
        table.Many("where subject = @subject", new { subject }, ct);

    public ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<OidcAuthorization>, TState, IQueryable<TResult>> query, TState state, CancellationToken ct) =>
        throw Unsupported.Queries;

    public ValueTask<string?> GetApplicationIdAsync(OidcAuthorization authorization, CancellationToken ct) => new(authorization.ApplicationId);
    public ValueTask<DateTimeOffset?> GetCreationDateAsync(OidcAuthorization authorization, CancellationToken ct) => new(authorization.CreationDate);
    public ValueTask<string?> GetIdAsync(OidcAuthorization authorization, CancellationToken ct) => new(authorization.Id);
    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(OidcAuthorization authorization, CancellationToken ct) =>
        new(JsonColumn.Properties(authorization.Properties));
    public ValueTask<ImmutableArray<string>> GetScopesAsync(OidcAuthorization authorization, CancellationToken ct) => new(JsonColumn.Strings(authorization.Scopes));
    public ValueTask<string?> GetStatusAsync(OidcAuthorization authorization, CancellationToken ct) => new(authorization.Status);
    public ValueTask<string?> GetSubjectAsync(OidcAuthorization authorization, CancellationToken ct) => new(authorization.Subject);
    public ValueTask<string?> GetTypeAsync(OidcAuthorization authorization, CancellationToken ct) => new(authorization.Type);

    public ValueTask<OidcAuthorization> InstantiateAsync(CancellationToken ct) => new(new OidcAuthorization());

    public IAsyncEnumerable<OidcAuthorization> ListAsync(int? count, int? offset, CancellationToken ct) =>
        table.Many("order by id limit @count offset @offset", new { count = count ?? int.MaxValue, offset = offset ?? 0 }, ct);

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(Func<IQueryable<OidcAuthorization>, TState, IQueryable<TResult>> query, TState state,
        CancellationToken ct) => throw Unsupported.Queries;

    /// <summary>Authorizations older than the threshold that are no longer valid, or ad-hoc ones with no token left.</summary>
    public ValueTask<long> PruneAsync(DateTimeOffset threshold, CancellationToken ct) => table.Execute($"""
        delete from oidc_authorizations a
        where a.creation_date < @threshold
          and (a.status <> '{Statuses.Valid}'
               or (a.type = '{AuthorizationTypes.AdHoc}' and not exists (select 1 from oidc_tokens t where t.authorization_id = a.id)))
        """, new { threshold }, ct);

    public ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken ct) =>
        table.Execute($"""
            update oidc_authorizations set status = '{Statuses.Revoked}', concurrency_token = gen_random_uuid()::text
            where (@subject::text is null or subject = @subject) and (@client::text is null or application_id = @client)
              and (@status::text is null or status = @status) and (@type::text is null or type = @type)
            """, new { subject, client, status, type }, ct);

    public ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken ct) =>
        table.Execute($"update oidc_authorizations set status = '{Statuses.Revoked}', concurrency_token = gen_random_uuid()::text where application_id = @identifier",
            new { identifier }, ct);

    public ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken ct) =>
        table.Execute($"update oidc_authorizations set status = '{Statuses.Revoked}', concurrency_token = gen_random_uuid()::text where subject = @subject",
            new { subject }, ct);

    public ValueTask SetApplicationIdAsync(OidcAuthorization authorization, string? identifier, CancellationToken ct) { authorization.ApplicationId = identifier; return default; }
    public ValueTask SetCreationDateAsync(OidcAuthorization authorization, DateTimeOffset? date, CancellationToken ct) { authorization.CreationDate = date; return default; }
    public ValueTask SetPropertiesAsync(OidcAuthorization authorization, ImmutableDictionary<string, JsonElement> properties, CancellationToken ct) { authorization.Properties = JsonColumn.Write(properties); return default; }
    public ValueTask SetScopesAsync(OidcAuthorization authorization, ImmutableArray<string> scopes, CancellationToken ct) { authorization.Scopes = JsonColumn.Write(scopes); return default; }
    public ValueTask SetStatusAsync(OidcAuthorization authorization, string? status, CancellationToken ct) { authorization.Status = status; return default; }
    public ValueTask SetSubjectAsync(OidcAuthorization authorization, string? subject, CancellationToken ct) { authorization.Subject = subject; return default; }
    public ValueTask SetTypeAsync(OidcAuthorization authorization, string? type, CancellationToken ct) { authorization.Type = type; return default; }

    public ValueTask UpdateAsync(OidcAuthorization authorization, CancellationToken ct) => table.Update(authorization, ct);
}
