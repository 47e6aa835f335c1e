using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using OpenIddict.Abstractions;

namespace Channel.Identity.Stores;

/// <summary>OpenIddict's applications (clients) in <c>oidc_applications</c>.</summary>
public sealed class OidcApplicationStore(NpgsqlDataSource db) : IOpenIddictApplicationStore<OidcApplication>
{
    readonly OidcTable<OidcApplication> table = new(db, "oidc_applications");

    public ValueTask<long> CountAsync(CancellationToken ct) => table.Scalar("select count(*) from oidc_applications", null, ct);
    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<OidcApplication>, IQueryable<TResult>> query, CancellationToken ct) => throw Unsupported.Queries;

    public ValueTask CreateAsync(OidcApplication application, CancellationToken ct) => table.Insert(application, ct);

    public ValueTask DeleteAsync(OidcApplication application, CancellationToken ct) => table.Delete(application, ct);
    public ValueTask<OidcApplication?> FindByIdAsync(string identifier, CancellationToken ct) => table.One("id = @identifier", new { identifier }, ct);
    public ValueTask<OidcApplication?> FindByClientIdAsync(string identifier, CancellationToken ct) => table.One("client_id = @identifier", new { identifier }, ct);

    public IAsyncEnumerable<OidcApplication> FindByPostLogoutRedirectUriAsync(string uri, CancellationToken ct) =>
        table.Many("where post_logout_redirect_uris::jsonb ? @uri", new { uri }, ct);

    public IAsyncEnumerable<OidcApplication> FindByRedirectUriAsync(string uri, CancellationToken ct) =>
        table.Many("where redirect_uris::jsonb ? @uri", new { uri }, ct);

    public ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<OidcApplication>, TState, IQueryable<TResult>> query, TState state, CancellationToken ct) =>
        throw Unsupported.Queries;

    public ValueTask<string?> GetApplicationTypeAsync(OidcApplication application, CancellationToken ct) => new(application.ApplicationType);
    public ValueTask<string?> GetClientIdAsync(OidcApplication application, CancellationToken ct) => new(application.ClientId);
    public ValueTask<string?> GetClientSecretAsync(OidcApplication application, CancellationToken ct) => new(application.ClientSecret);
    public ValueTask<string?> GetClientTypeAsync(OidcApplication application, CancellationToken ct) => new(application.ClientType);
    public ValueTask<string?> GetConsentTypeAsync(OidcApplication application, CancellationToken ct) => new(application.ConsentType);
    public ValueTask<string?> GetDisplayNameAsync(OidcApplication application, CancellationToken ct) => new(application.DisplayName);
    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDisplayNamesAsync(OidcApplication application, CancellationToken ct) =>
        new(JsonColumn.Cultures(application.DisplayNames));
    public ValueTask<string?> GetIdAsync(OidcApplication application, CancellationToken ct) => new(application.Id);
    public ValueTask<JsonWebKeySet?> GetJsonWebKeySetAsync(OidcApplication application, CancellationToken ct) =>
        new(string.IsNullOrEmpty(application.JsonWebKeySet) ? null : new JsonWebKeySet(application.JsonWebKeySet));
    public ValueTask<ImmutableArray<string>> GetPermissionsAsync(OidcApplication application, CancellationToken ct) => new(JsonColumn.Strings(application.Permissions));
    public ValueTask<ImmutableArray<string>> GetPostLogoutRedirectUrisAsync(OidcApplication application, CancellationToken ct) =>
        new(JsonColumn.Strings(application.PostLogoutRedirectUris));
    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(OidcApplication application, CancellationToken ct) =>
        new(JsonColumn.Properties(application.Properties));
    public ValueTask<ImmutableArray<string>> GetRedirectUrisAsync(OidcApplication application, CancellationToken ct) => new(JsonColumn.Strings(application.RedirectUris));
    public ValueTask<ImmutableArray<string>> GetRequirementsAsync(OidcApplication application, CancellationToken ct) => new(JsonColumn.Strings(application.Requirements));
    public ValueTask<ImmutableDictionary<string, string>> GetSettingsAsync(OidcApplication application, CancellationToken ct) => new(JsonColumn.Settings(application.Settings));

    public ValueTask<OidcApplication> InstantiateAsync(CancellationToken ct) => new(new OidcApplication());

    public IAsyncEnumerable<OidcApplication> ListAsync(int? count, int? offset, CancellationToken ct) =>
        table.Many("order by client_id limit @count offset @offset", new { count = count ?? int.MaxValue, offset = offset ?? 0 }, ct);

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(Func<IQueryable<OidcApplication>, TState, IQueryable<TResult>> query, TState state,
        CancellationToken ct) => throw Unsupported.Queries;

    public ValueTask SetApplicationTypeAsync(OidcApplication application, string? type, CancellationToken ct) { application.ApplicationType = type; return default; }
    public ValueTask SetClientIdAsync(OidcApplication application, string? identifier, CancellationToken ct) { application.ClientId = identifier; return default; }
    public ValueTask SetClientSecretAsync(OidcApplication application, string? secret, CancellationToken ct) { application.ClientSecret = secret; return default; }
    public ValueTask SetClientTypeAsync(OidcApplication application, string? type, CancellationToken ct) { application.ClientType = type; return default; }
    public ValueTask SetConsentTypeAsync(OidcApplication application, string? type, CancellationToken ct) { application.ConsentType = type; return default; }
    public ValueTask SetDisplayNameAsync(OidcApplication application, string? name, CancellationToken ct) { application.DisplayName = name; return default; }
    public ValueTask SetDisplayNamesAsync(OidcApplication application, ImmutableDictionary<CultureInfo, string> names, CancellationToken ct) { application.DisplayNames = JsonColumn.Write(names); return default; }
    public ValueTask SetJsonWebKeySetAsync(OidcApplication application, JsonWebKeySet? set, CancellationToken ct)
    {
        application.JsonWebKeySet = set is null ? null : JsonSerializer.Serialize(set);
        return default;
    }
    public ValueTask SetPermissionsAsync(OidcApplication application, ImmutableArray<string> permissions, CancellationToken ct) { application.Permissions = JsonColumn.Write(permissions); return default; }
    public ValueTask SetPostLogoutRedirectUrisAsync(OidcApplication application, ImmutableArray<string> uris, CancellationToken ct) { application.PostLogoutRedirectUris = JsonColumn.Write(uris); return default; }
    public ValueTask SetPropertiesAsync(OidcApplication application, ImmutableDictionary<string, JsonElement> properties, CancellationToken ct) { application.Properties = JsonColumn.Write(properties); return default; }
    public ValueTask SetRedirectUrisAsync(OidcApplication application, ImmutableArray<string> uris, CancellationToken ct) { application.RedirectUris = JsonColumn.Write(uris); return default; }
    public ValueTask SetRequirementsAsync(OidcApplication application, ImmutableArray<string> requirements, CancellationToken ct) { application.Requirements = JsonColumn.Write(requirements); return default; }
    public ValueTask SetSettingsAsync(OidcApplication application, ImmutableDictionary<string, string> settings, CancellationToken ct) { application.Settings = JsonColumn.Write(settings); return default; }

    public ValueTask UpdateAsync(OidcApplication application, CancellationToken ct) => table.Update(application, ct);
}
