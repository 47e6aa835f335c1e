using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace Channel.Identity.Stores;

/// <summary>What every OpenIddict row has: an id, and the token that changes with each write (optimistic concurrency).</summary>
public interface IOidcRow
{
    string Id { get; set; }
    string? ConcurrencyToken { get; set; }
}

/// <summary>A client of the provider (the gateway, the command line, a partner's integration).</summary>
public sealed class OidcApplication : IOidcRow
{
    public string Id { get; set; } = "";
    public string? ApplicationType { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    public string? ClientType { get; set; }
    public string? ConcurrencyToken { get; set; }
    public string? ConsentType { get; set; }
    public string? DisplayName { get; set; }
    public string? DisplayNames { get; set; }
    public string? JsonWebKeySet { get; set; }
    public string? Permissions { get; set; }
    public string? PostLogoutRedirectUris { get; set; }
    public string? Properties { get; set; }
    public string? RedirectUris { get; set; }
    public string? Requirements { get; set; }
    public string? Settings { get; set; }
}

/// <summary>One person's sign-in to one client: the tokens it issued hang from it and die with it.</summary>
public sealed class OidcAuthorization : IOidcRow
{
    public string Id { get; set; } = "";
    public string? ApplicationId { get; set; }
    public string? ConcurrencyToken { get; set; }
    public DateTimeOffset? CreationDate { get; set; }
    public string? Properties { get; set; }
    public string? Scopes { get; set; }
    public string? Status { get; set; }
    public string? Subject { get; set; }
    public string? Type { get; set; }
}

public sealed class OidcScope : IOidcRow
{
    public string Id { get; set; } = "";
    public string? ConcurrencyToken { get; set; }
    public string? Description { get; set; }
    public string? Descriptions { get; set; }
    public string? DisplayName { get; set; }
    public string? DisplayNames { get; set; }
    public string? Name { get; set; }
    public string? Properties { get; set; }
    public string? Resources { get; set; }
}

/// <summary>A token the provider issued (authorization code, refresh token, access token): its status is what revocation changes.</summary>
public sealed class OidcToken : IOidcRow
{
    public string Id { get; set; } = "";
    public string? ApplicationId { get; set; }
    public string? AuthorizationId { get; set; }
    public string? ConcurrencyToken { get; set; }
    public DateTimeOffset? CreationDate { get; set; }
    public DateTimeOffset? ExpirationDate { get; set; }
    public string? Payload { get; set; }
    public string? Properties { get; set; }
    public DateTimeOffset? RedemptionDate { get; set; }
    public string? ReferenceId { get; set; }
    public string? Status { get; set; }
    public string? Subject { get; set; }
    public string? Type { get; set; }
}

/// <summary>The JSON columns' shapes, as OpenIddict's Entity Framework stores write them.</summary>
static class JsonColumn
{
    public static ImmutableArray<string> Strings(string? json) =>
        string.IsNullOrEmpty(json) ? [] : [.. JsonSerializer.Deserialize<string[]>(json) ?? []];

    public static string? Write(ImmutableArray<string> values) => values.IsDefaultOrEmpty ? null : JsonSerializer.Serialize(values.ToArray());

    public static ImmutableDictionary<string, JsonElement> Properties(string? json) =>
        string.IsNullOrEmpty(json) ? ImmutableDictionary<string, JsonElement>.Empty
            : (JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json) ?? []).ToImmutableDictionary();

    public static string? Write(ImmutableDictionary<string, JsonElement> values) => values.IsEmpty ? null : JsonSerializer.Serialize(values);

    public static ImmutableDictionary<string, string> Settings(string? json) =>
        string.IsNullOrEmpty(json) ? ImmutableDictionary<string, string>.Empty
            : (JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []).ToImmutableDictionary();

    public static string? Write(ImmutableDictionary<string, string> values) => values.IsEmpty ? null : JsonSerializer.Serialize(values);

    public static ImmutableDictionary<CultureInfo, string> Cultures(string? json) =>
        string.IsNullOrEmpty(json) ? ImmutableDictionary<CultureInfo, string>.Empty
            : (JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []).ToImmutableDictionary(p => CultureInfo.GetCultureInfo(p.Key), p => p.Value);

    public static string? Write(ImmutableDictionary<CultureInfo, string> values) =>
        values.IsEmpty ? null : JsonSerializer.Serialize(values.ToDictionary(p => p.Key.Name, p => p.Value));
}
