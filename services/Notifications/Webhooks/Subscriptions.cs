using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Notifications.Webhooks;

/// <summary>A webhook subscription as its owner sees it; the secret only when it is made or rotated.</summary>
public sealed class Subscription
{
    public Guid Id { get; set; }
    public string OwnerKind { get; set; } = "";
    public Guid? OwnerId { get; set; }
    public string Url { get; set; } = "";
    public string[] Kinds { get; set; } = [];
    public string Description { get; set; } = "";
    public bool Enabled { get; set; }
    public int ConsecutiveFailures { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }
    public string? DisabledReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>The signing secret: shown once, in the answer that made or rotated it.</summary>
    public string? Secret { get; set; }
}

/// <summary>
/// Whose subscriptions a caller manages: a partner's users their partner's, a distributor's users
/// their distributor's, admins the vendor's. Every query about a subscription goes through
/// <see cref="Load"/> with the caller's owner, so another owner's subscription is simply not found.
/// </summary>
public static class Subscriptions
{
    public const int MaxPerOwner = 20;

    public sealed record Owner(string Kind, Guid? Id);

    /// <summary>The owner the caller acts for, or null for staff who own no subscriptions (channel managers, leadership).</summary>
    public static Owner? Of(Caller caller) => caller.Role switch
    {
        Roles.Partner when caller.PartnerId is { } p => new Owner(Owners.Partner, p),
        Roles.Distributor when caller.DistributorId is { } d => new Owner(Owners.Distributor, d),
        Roles.Admin => new Owner(Owners.Vendor, null),
        _ => null,
    };

    public const string Columns = """
        id, owner_kind, owner_id, url, kinds, description, enabled, consecutive_failures, disabled_at, disabled_reason,
        created_at, created_by, updated_at
        """;

    public const string OwnedBy = "owner_kind = @OwnerKind and owner_id is not distinct from @OwnerId";

    public static async Task<Subscription?> Load(NpgsqlConnection conn, NpgsqlTransaction? tx, Owner owner, Guid id, CancellationToken ct,
        bool forUpdate = false) =>
        await conn.QuerySingleOrDefaultAsync<Subscription>(new CommandDefinition(
            $"select {Columns} from subscriptions where id = @id and {OwnedBy}{(forUpdate ? " for update" : "")}",
            new { id, OwnerKind = owner.Kind, OwnerId = owner.Id }, tx, cancellationToken: ct));

    public static IResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such subscription.", detail: $"subscription {id} was not found.");

    public static IResult Disabled(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The subscription is disabled.",
            detail: $"subscription {id} is disabled; enable it first.");

    /// <summary>Checks a target URL (absolute, https, not aimed inside the network) and returns it, or null with the error added.</summary>
    public static async Task<string?> Url(Check check, AddressGuard guard, string? value, CancellationToken ct)
    {
        var text = check.Text("url", value, max: 2000);
        if (text is null) return null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.IsFile || url.IsUnc)
        {
            check.Add("url", "must be an absolute URL");
            return null;
        }
        if (await guard.Check(url, ct) is { } problem)
        {
            check.Add("url", problem);
            return null;
        }
        return url.AbsoluteUri;
    }

    /// <summary>Checks the event kinds: at least one, each one this owner may subscribe to.</summary>
    public static string[]? Kinds(Check check, Owner owner, string[]? kinds)
    {
        if (kinds is null || kinds.Length == 0)
        {
            check.Add("kinds", "name at least one event kind");
            return null;
        }
        var allowed = WebhookKinds.For(owner.Kind);
        var unknown = kinds.Where(k => k is null || !allowed.Contains(k)).Select(k => k ?? "null").Distinct().ToList();
        if (unknown.Count > 0)
        {
            check.Add("kinds", $"not kinds a {owner.Kind} may subscribe to: {string.Join(", ", unknown.Take(10))} (GET /api/notifications/webhook-kinds lists them)");
            return null;
        }
        return [.. kinds.Distinct().Order(StringComparer.Ordinal)];
    }
}
