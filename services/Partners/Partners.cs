using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Partners;

/// <summary>
/// The partners table and its one commit path: a partner is saved only by <see cref="Create"/> (its
/// first version) and <see cref="Commit"/> (each next one), which write the row, its audit entry and
/// its event in the caller's transaction. No version without an event; nothing else in the service
/// writes to the outbox.
/// </summary>
public sealed class Partners(NpgsqlDataSource db, Outbox outbox, TimeProvider clock)
{
    public const string Columns = """
        id, legal_name, normalized_name, country, region, website_domain, domain_skeleton, tax_id, tax_id_key, partner_type, contact_name,
        contact_email, agreement_version, status, tier, hold_reason, status_reason, applied_at, updated_at, version, active_since_version,
        screening, screening_reason, screening_sequence, look_alike_reason
        """;

    const string InsertSql = """
        insert into partners (id, legal_name, normalized_name, country, region, website_domain, domain_skeleton, tax_id, tax_id_key,
            partner_type, contact_name, contact_email, agreement_version, status, tier, hold_reason, status_reason,
            applied_at, updated_at, version, active_since_version, screening, screening_reason, screening_sequence, look_alike_reason)
        values (@Id, @LegalName, @NormalizedName, @Country, @Region, @WebsiteDomain, @DomainSkeleton, @TaxId, @TaxIdKey,
            @PartnerType, @ContactName, @ContactEmail, @AgreementVersion, @Status, @Tier, @HoldReason, @StatusReason,
            @AppliedAt, @UpdatedAt, @Version, @ActiveSinceVersion, @Screening, @ScreeningReason, @ScreeningSequence, @LookAlikeReason)
        """;

    // Guarded by the version it was read at: a change computed from a stale read saves nothing.
    const string UpdateSql = """
        update partners set status = @Status, tier = @Tier, hold_reason = @HoldReason, status_reason = @StatusReason,
            updated_at = @UpdatedAt, version = @Version, active_since_version = @ActiveSinceVersion,
            screening = @Screening, screening_reason = @ScreeningReason, screening_sequence = @ScreeningSequence,
            look_alike_reason = @LookAlikeReason
        where id = @Id and version = @Version - 1
        """;

    const string InsertAudit = """
        insert into partner_audit (partner_id, version, action, actor, reason, changes, at)
        values (@PartnerId, @Version, @Action, @Actor, @Reason, @Changes::jsonb, @At)
        """;

    static readonly JsonSerializerOptions auditJson = new(JsonSerializerDefaults.Web)
    { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The partner, locked for this transaction; null when there is none.</summary>
    public static Task<Partner?> Lock(NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        tx.Connection!.QuerySingleOrDefaultAsync<Partner>(new CommandDefinition(
            $"select {Columns} from partners where id = @id for update", new { id }, tx, cancellationToken: ct));

    /// <summary>Saves a new partner as version 1 with its audit entry and <see cref="PartnerApplied"/>.</summary>
    public async Task<Partner> Create(NpgsqlTransaction tx, Partner partner, string actor, CancellationToken ct)
    {
        var created = partner with { Version = 1 };
        await tx.Connection!.ExecuteAsync(new CommandDefinition(InsertSql, created, tx, cancellationToken: ct));
        await Audit(tx, created, "applied", actor, null, new { status = created.Status }, ct);
        await outbox.Add(tx, Partner.Applied(created, actor), ct);
        return created;
    }

    /// <summary>
    /// Saves a transition of a partner read (locked) in this transaction: the next version, its audit
    /// entry and its event. Returns the partner as saved.
    /// </summary>
    public async Task<Partner> Commit(NpgsqlTransaction tx, Partner before, Moved<Partner> move, string actor,
        DateTimeOffset now, CancellationToken ct)
    {
        var after = move.State with { Version = before.Version + 1, UpdatedAt = now };
        if (await tx.Connection!.ExecuteAsync(new CommandDefinition(UpdateSql, after, tx, cancellationToken: ct)) != 1)
            throw new InvalidOperationException($"partner {before.Id} changed since version {before.Version} was read");
        await Audit(tx, after, move.Action, actor, move.Reason, move.Changes, ct);
        await outbox.Add(tx, move.Announce(after, after.Version), ct);
        return after;
    }

    /// <summary>
    /// The whole of a change to one partner: lock it, apply the transition, commit, answer 200 with the
    /// partner as saved; 404 when there is none, 409 naming its status when the transition refuses.
    /// </summary>
    public async Task<IResult> Change(ClaimsPrincipal user, Guid id,
        Func<Partner, Caller, Outcome<Partner>> transition, CancellationToken ct)
    {
        var caller = Caller.From(user);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var partner = await Lock(tx, id, ct);
        if (partner is null) return NotFound(id);
        switch (transition(partner, caller))
        {
            case Refused<Partner> refused: return refused.Problem();
            case Moved<Partner> move:
                var saved = await Commit(tx, partner, move, caller.Subject, clock.GetUtcNow(), ct);
                await tx.CommitAsync(ct);
                return TypedResults.Ok(saved);
            default: throw new InvalidOperationException("a transition either moves or refuses");
        }
    }

    /// <summary>
    /// Publishes the current state of each partner again (<see cref="PartnerStateReplayed"/>) with its
    /// users, in the caller's transaction (repeatable read, so versions and users are of one moment).
    /// </summary>
    public async Task Replay(NpgsqlTransaction tx, IEnumerable<Partner> page, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var partners = page.ToList();
        var users = (await tx.Connection!.QueryAsync<(Guid PartnerId, Guid Id, string Name, string Email, string Role)>(new CommandDefinition(
            "select partner_id, id, name, email, role from partner_users where partner_id = any(@ids) order by created_at, id",
            new { ids = partners.Select(p => p.Id).ToArray() }, tx, cancellationToken: ct)))
            .ToLookup(u => u.PartnerId, u => new PartnerUser { UserId = u.Id, Name = u.Name, Email = u.Email, Role = u.Role });
        foreach (var p in partners)
            await outbox.Add(tx, new PartnerStateReplayed { PartnerId = p.Id, Version = p.Version, OccurredAt = now, Partner = p.State(), Users = [.. users[p.Id]] }, ct);
    }

    public static IResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such partner.", detail: $"Partner {id} was not found.");

    static Task Audit(NpgsqlTransaction tx, Partner partner, string action, string actor, string? reason, object? changes, CancellationToken ct) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(InsertAudit, new
        {
            PartnerId = partner.Id,
            partner.Version,
            Action = action,
            Actor = actor,
            Reason = reason,
            Changes = JsonSerializer.Serialize(changes ?? new { }, auditJson),
            At = partner.UpdatedAt,
        }, tx, cancellationToken: ct));

    /// <summary>The partners a distributor serves or has served (from the Distributors service's authorization events).</summary>
    public const string ServedBy = "select partner_id from distributor_partners where distributor_id = @ScopeDistributor";

    /// <summary>
    /// Whether the caller may see this partner at all: staff every one, a partner user only its own,
    /// a distributor those it serves or has served (and then only <see cref="PartnerSummary"/>).
    /// </summary>
    public static async Task<bool> MaySee(NpgsqlConnection conn, Caller caller, Guid partnerId, CancellationToken ct) =>
        caller.SeesEverything
        || (caller.Role == Roles.Partner && caller.PartnerId == partnerId)
        || (caller.Role == Roles.Distributor && caller.DistributorId is { } distributor && await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            $"select @PartnerId in ({ServedBy})", new { PartnerId = partnerId, ScopeDistributor = distributor }, cancellationToken: ct)));
}
