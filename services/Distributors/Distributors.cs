using System.Text.Json;
using Channel.Contracts.Distributors;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Distributors;

public sealed class Distributor
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string[] Countries { get; set; } = [];
    public string[] Regions { get; set; } = [];
    public JsonElement Contacts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

public sealed class Authorization
{
    public Guid Id { get; set; }
    public Guid DistributorId { get; set; }
    public Guid PartnerId { get; set; }
    public string? PartnerName { get; set; }
    public string? DistributorName { get; set; }
    public string[] Regions { get; set; } = [];
    public bool Active { get; set; }
    public DateTimeOffset AuthorizedAt { get; set; }
    public string AuthorizedBy { get; set; } = "";
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
    public string? RevokeReason { get; set; }
    public int Version { get; set; }
}

public static class Distributors
{
    public const string Columns = "id, name, countries, regions, contacts::text as contacts_json, created_at, updated_at, version";

    sealed class Row
    {
        public Guid Id { get; set; }
        public string Name { get; set; } = "";
        public string[] Countries { get; set; } = [];
        public string[] Regions { get; set; } = [];
        public string ContactsJson { get; set; } = "[]";
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset UpdatedAt { get; set; }
        public int Version { get; set; }
    }

    public static async Task<List<Distributor>> Query(NpgsqlConnection conn, string sql, object args, NpgsqlTransaction? tx, CancellationToken ct) =>
        [.. (await conn.QueryAsync<Row>(new CommandDefinition(sql, args, tx, cancellationToken: ct))).Select(r => new Distributor
        {
            Id = r.Id,
            Name = r.Name,
            Countries = r.Countries,
            Regions = r.Regions,
            Contacts = JsonDocument.Parse(r.ContactsJson).RootElement,
            CreatedAt = r.CreatedAt,
            UpdatedAt = r.UpdatedAt,
            Version = r.Version,
        })];

    public static IResult NotFound(string what, Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No such {what}.", detail: $"{what} {id} was not found.");

    /// <summary>Staff see every distributor; a distributor's users only their own.</summary>
    public static bool MayActFor(Caller caller, Guid distributorId) =>
        caller.SeesEverything || (caller.Role == Roles.Distributor && caller.DistributorId == distributorId);

    const string Revoke = """
        update authorizations set active = false, revoked_at = @Now, revoked_by = @Actor, revoke_reason = @Reason, version = version + 1
        where id = @Id and active
        returning id, distributor_id, partner_id, regions, active, authorized_at, authorized_by, revoked_at, revoked_by, revoke_reason, version
        """;

    /// <summary>Ends an active authorization and publishes its revocation; null when it was not active.</summary>
    public static async Task<Authorization?> RevokeAuthorization(NpgsqlTransaction tx, Outbox outbox, Guid authorizationId, string actor,
        string reason, DateTimeOffset now, CancellationToken ct)
    {
        var revoked = await tx.Connection!.QuerySingleOrDefaultAsync<Authorization>(new CommandDefinition(Revoke,
            new { Id = authorizationId, Actor = actor, Reason = reason, Now = now }, tx, cancellationToken: ct));
        if (revoked is null) return null;
        await outbox.Add(tx, new ResellerAuthorizationRevoked
        {
            AuthorizationId = revoked.Id,
            DistributorId = revoked.DistributorId,
            PartnerId = revoked.PartnerId,
            Version = revoked.Version,
            OccurredAt = now,
            Reason = reason,
            Actor = actor,
        }, ct);
        return revoked;
    }
}
