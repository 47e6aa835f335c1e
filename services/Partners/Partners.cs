using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Partners;

public static class Status
{
    public const string Applied = "applied";
    public const string OnHold = "on_hold";
    public const string Active = "active";
    public const string Rejected = "rejected";
    public const string Suspended = "suspended";
    public const string Terminated = "terminated";
    public static readonly string[] All = [Applied, OnHold, Active, Rejected, Suspended, Terminated];
}

public static class Tiers
{
    public static readonly string[] All = ["registered", "silver", "gold", "platinum"];
}

public static class PartnerTypes
{
    public static readonly string[] All = ["var", "msp", "si", "reseller"];
}

/// <summary>A partner as the API shows it.</summary>
public sealed class Partner
{
    public Guid Id { get; set; }
    public string LegalName { get; set; } = "";
    public string Country { get; set; } = "";
    public string Region { get; set; } = "";
    public string WebsiteDomain { get; set; } = "";
    public string? TaxId { get; set; }
    public string PartnerType { get; set; } = "";
    public string ContactName { get; set; } = "";
    public string ContactEmail { get; set; } = "";
    public string AgreementVersion { get; set; } = "";
    public string Status { get; set; } = "";
    public string? Tier { get; set; }
    public string? HoldReason { get; set; }
    public string? StatusReason { get; set; }
    public DateTimeOffset AppliedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

public static class Partners
{
    public const string Columns = """
        id, legal_name, country, region, website_domain, tax_id, partner_type, contact_name, contact_email,
        agreement_version, status, tier, hold_reason, status_reason, applied_at, updated_at, version
        """;

    const string MoveSql = $"""
        update partners set status = @To, tier = coalesce(@Tier, tier), status_reason = coalesce(@Reason, status_reason),
               hold_reason = case when @To = 'on_hold' then hold_reason else null end,
               updated_at = @Now, version = version + 1
        where id = @Id and status = any(@From)
        returning {Columns}
        """;

    const string InsertAudit = """
        insert into partner_audit (partner_id, version, action, actor, reason, changes, at)
        values (@PartnerId, @Version, @Action, @Actor, @Reason, @Changes::jsonb, @At)
        """;

    /// <summary>Moves a partner from one of <paramref name="from"/> to <paramref name="to"/>; null if it is not in one of them.</summary>
    public static Task<Partner?> Transition(NpgsqlTransaction tx, Guid id, string[] from, string to, DateTimeOffset now,
        CancellationToken ct, string? tier = null, string? reason = null) =>
        tx.Connection!.QuerySingleOrDefaultAsync<Partner>(new CommandDefinition(MoveSql,
            new { Id = id, From = from, To = to, Tier = tier, Reason = reason, Now = now }, tx, cancellationToken: ct));

    /// <summary>
    /// The whole of a lifecycle move: in one transaction, move the partner from one of
    /// <paramref name="from"/> to <paramref name="to"/>, record it in the audit history and write the
    /// event <paramref name="announce"/> makes of the partner's new state; 404 or 409 when it cannot move.
    /// </summary>
    public static async Task<IResult> Move(NpgsqlDataSource db, Outbox outbox, TimeProvider clock, ClaimsPrincipal user, Guid id,
        string[] from, string to, string action, string refusal, CancellationToken ct, string? tier = null, string? reason = null,
        Func<Partner, Caller, DateTimeOffset, object>? announce = null)
    {
        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var partner = await Transition(tx, id, from, to, now, ct, tier, reason);
        if (partner is null) return await NotFoundOrWrongState(tx, id, refusal, ct);
        await Audit(tx, partner, action, caller, reason, new { status = partner.Status, tier }, now, ct);
        if (announce is not null) await outbox.Add(tx, announce(partner, caller, now), ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(partner);
    }

    /// <summary>404 when there is no such partner; 409 naming its current state when the move is not allowed from it.</summary>
    public static async Task<IResult> NotFoundOrWrongState(NpgsqlTransaction tx, Guid id, string action, CancellationToken ct)
    {
        var status = await tx.Connection!.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "select status from partners where id = @id", new { id }, tx, cancellationToken: ct));
        if (status is null) return NotFound(id);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: $"A partner that is {status} cannot be {action}.",
            detail: $"Partner {id} is {status}.",
            extensions: new Dictionary<string, object?> { ["currentStatus"] = status });
    }

    public static IResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such partner.", detail: $"Partner {id} was not found.");

    public static Task Audit(NpgsqlTransaction tx, Partner partner, string action, Caller actor, string? reason, object? changes,
        DateTimeOffset at, CancellationToken ct) =>
        Audit(tx, partner.Id, partner.Version, action, actor.Subject, reason, changes, at, ct);

    public static Task Audit(NpgsqlTransaction tx, Guid partnerId, int version, string action, string actor, string? reason,
        object? changes, DateTimeOffset at, CancellationToken ct) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(InsertAudit, new
        {
            PartnerId = partnerId,
            Version = version,
            Action = action,
            Actor = actor,
            Reason = reason,
            Changes = JsonSerializer.Serialize(changes ?? new { }, AuditJson),
            At = at,
        }, tx, cancellationToken: ct));

    static readonly JsonSerializerOptions AuditJson = new(JsonSerializerDefaults.Web)
    { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>Whether the caller may see this partner at all (a partner user only its own; a distributor only active partners).</summary>
    public static bool MaySee(Caller caller, Guid partnerId, string status) =>
        caller.SeesEverything
        || (caller.Role == Roles.Partner && caller.PartnerId == partnerId)
        || (caller.Role == Roles.Distributor && status == Status.Active);
}
