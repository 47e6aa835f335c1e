using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using OpenIddict.Abstractions;

namespace Channel.Identity.Stores;

/// <summary>OpenIddict's scopes in <c>oidc_scopes</c> (Channel's scopes are registered in code; the table is for operators' own).</summary>
public sealed class OidcScopeStore(NpgsqlDataSource db) : IOpenIddictScopeStore<OidcScope>
{
    readonly OidcTable<OidcScope> table = new(db, "oidc_scopes");

    public ValueTask<long> CountAsync(CancellationToken ct) => table.Scalar("select count(*) from oidc_scopes", null, ct);
    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<OidcScope>, IQueryable<TResult>> query, CancellationToken ct) => throw Unsupported.Queries;

    public ValueTask CreateAsync(OidcScope scope, CancellationToken ct) => table.Insert(scope, ct);

    public ValueTask DeleteAsync(OidcScope scope, CancellationToken ct) => table.Delete(scope, ct);
    public ValueTask<OidcScope?> FindByIdAsync(string identifier, CancellationToken ct) => table.One("id = @identifier", new { identifier }, ct);
    public ValueTask<OidcScope?> FindByNameAsync(string name, CancellationToken ct) => table.One("name = @name", new { name }, ct);

    public IAsyncEnumerable<OidcScope> FindByNamesAsync(ImmutableArray<string> names, CancellationToken ct) =>
        table.Many("where name = any(@names)", new { names = names.ToArray() }, ct);

    public IAsyncEnumerable<OidcScope> FindByResourceAsync(string resource, CancellationToken ct) =>
        table.Many("where resources::jsonb ? @resource", new { resource }, ct);

    public ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<OidcScope>, TState, IQueryable<TResult>> query, TState state, CancellationToken ct) =>
        throw Unsupported.Queries;

    public ValueTask<string?> GetDescriptionAsync(OidcScope scope, CancellationToken ct) => new(scope.Description);
    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDescriptionsAsync(OidcScope scope, CancellationToken ct) => new(JsonColumn.Cultures(scope.Descriptions));
    public ValueTask<string?> GetDisplayNameAsync(OidcScope scope, CancellationToken ct) => new(scope.DisplayName);
    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDisplayNamesAsync(OidcScope scope, CancellationToken ct) => new(JsonColumn.Cultures(scope.DisplayNames));
    public ValueTask<string?> GetIdAsync(OidcScope scope, CancellationToken ct) => new(scope.Id);
    public ValueTask<string?> GetNameAsync(OidcScope scope, CancellationToken ct) => new(scope.Name);
    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(OidcScope scope, CancellationToken ct) => new(JsonColumn.Properties(scope.Properties));
    public ValueTask<ImmutableArray<string>> GetResourcesAsync(OidcScope scope, CancellationToken ct) => new(JsonColumn.Strings(scope.Resources));
    public ValueTask<OidcScope> InstantiateAsync(CancellationToken ct) => new(new OidcScope());

    public IAsyncEnumerable<OidcScope> ListAsync(int? count, int? offset, CancellationToken ct) =>
        table.Many("order by name limit @count offset @offset", new { count = count ?? int.MaxValue, offset = offset ?? 0 }, ct);

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(Func<IQueryable<OidcScope>, TState, IQueryable<TResult>> query, TState state, CancellationToken ct) =>
        throw Unsupported.Queries;

    public ValueTask SetDescriptionAsync(OidcScope scope, string? description, CancellationToken ct) { scope.Description = description; return default; }
    public ValueTask SetDescriptionsAsync(OidcScope scope, ImmutableDictionary<CultureInfo, string> descriptions, CancellationToken ct) { scope.Descriptions = JsonColumn.Write(descriptions); return default; }
    public ValueTask SetDisplayNameAsync(OidcScope scope, string? name, CancellationToken ct) { scope.DisplayName = name; return default; }
    public ValueTask SetDisplayNamesAsync(OidcScope scope, ImmutableDictionary<CultureInfo, string> names, CancellationToken ct) { scope.DisplayNames = JsonColumn.Write(names); return default; }
    public ValueTask SetNameAsync(OidcScope scope, string? name, CancellationToken ct) { scope.Name = name; return default; }
    public ValueTask SetPropertiesAsync(OidcScope scope, ImmutableDictionary<string, JsonElement> properties, CancellationToken ct) { scope.Properties = JsonColumn.Write(properties); return default; }
    public ValueTask SetResourcesAsync(OidcScope scope, ImmutableArray<string> resources, CancellationToken ct) { scope.Resources = JsonColumn.Write(resources); return default; }

    public ValueTask UpdateAsync(OidcScope scope, CancellationToken ct) => table.Update(scope, ct);
}
