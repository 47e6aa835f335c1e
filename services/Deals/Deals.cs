using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Deals;

/// <summary>
/// The deals table and its one commit path: a deal is saved only by <see cref="Create"/> (its first
/// version) and <see cref="Commit"/> (each next one), which write the row (and its lines), its
/// history entry and its event in the caller's transaction. No version without an event; nothing
/// else in the service writes to the outbox.
/// </summary>
public sealed class Deals(Outbox outbox)
{
    public const string Columns = """
        id, partner_id, distributor_id, registered_by, customer_name, customer_key, customer_domain, customer_country,
        customer_region, customer_sector, customer_type, funding_source, attestation_version, attested_by, attested_at, screening,
        screening_sequence, screening_version, product_families, total_value, currency, expected_close, notes, incumbent_vendor, status,
        compliance_reason, status_reason, submitted_at, sla_due_at, overdue, approved_at, approved_by, protection_ends_at,
        extensions_used, extension_requested_at, extension_request_reason, actual_amount, won_source, closed_at,
        updated_at, version
        """;

    /// <summary>The columns and the lines, as one JSON text, of the deal aliased <c>d</c>.</summary>
    public const string WithLines = """
        d.*, (select coalesce(jsonb_agg(jsonb_build_object('sku', l.sku, 'productFamily', l.product_family,
                  'quantity', l.quantity, 'amount', l.amount) order by l.line_no), '[]')::text
              from deal_lines l where l.deal_id = d.id) as lines_json
        """;

    const string InsertSql = """
        insert into deals (id, partner_id, distributor_id, registered_by, customer_name, customer_key, customer_domain,
            customer_country, customer_region, customer_sector, customer_type, funding_source, attestation_version, attested_by, attested_at,
            screening, product_families, total_value, currency, expected_close,
            notes, incumbent_vendor, status, compliance_reason, submitted_at, sla_due_at, updated_at, version)
        values (@Id, @PartnerId, @DistributorId, @RegisteredBy, @CustomerName, @CustomerKey, @CustomerDomain,
            @CustomerCountry, @CustomerRegion, @CustomerSector, @CustomerType, @FundingSource, @AttestationVersion, @AttestedBy, @AttestedAt,
            @Screening, @ProductFamilies, @TotalValue, @Currency, @ExpectedClose,
            @Notes, @IncumbentVendor, @Status, @ComplianceReason, @SubmittedAt, @SlaDueAt, @UpdatedAt, @Version)
        """;

    // Guarded by the version it was read at: a change computed from a stale read saves nothing.
    const string UpdateSql = """
        update deals set customer_name = @CustomerName, customer_key = @CustomerKey, customer_domain = @CustomerDomain,
            customer_country = @CustomerCountry, customer_region = @CustomerRegion, customer_sector = @CustomerSector,
            customer_type = @CustomerType, funding_source = @FundingSource, attestation_version = @AttestationVersion, attested_by = @AttestedBy,
            attested_at = @AttestedAt, screening = @Screening, screening_sequence = @ScreeningSequence, screening_version = @ScreeningVersion,
            product_families = @ProductFamilies, total_value = @TotalValue, currency = @Currency, expected_close = @ExpectedClose,
            notes = @Notes, incumbent_vendor = @IncumbentVendor, status = @Status, status_reason = @StatusReason, compliance_reason = @ComplianceReason,
            sla_due_at = @SlaDueAt, overdue = @Overdue, approved_at = @ApprovedAt, approved_by = @ApprovedBy, protection_ends_at = @ProtectionEndsAt,
            extensions_used = @ExtensionsUsed, extension_requested_at = @ExtensionRequestedAt,
            extension_request_reason = @ExtensionRequestReason, actual_amount = @ActualAmount, won_source = @WonSource,
            closed_at = @ClosedAt, updated_at = @UpdatedAt, version = @Version
        where id = @Id and version = @Version - 1
        """;

    const string InsertLines = """
        insert into deal_lines (deal_id, line_no, sku, product_family, quantity, amount)
        select @DealId, n, sku, family, quantity, amount
        from unnest(@Skus::text[], @Families::text[], @Quantities::numeric[], @Amounts::numeric[]) with ordinality as l(sku, family, quantity, amount, n)
        """;

    const string InsertHistory = """
        insert into deal_history (deal_id, version, action, actor, reason, changes, at)
        values (@DealId, @Version, @Action, @Actor, @Reason, @Changes::jsonb, @At)
        """;

    static readonly JsonSerializerOptions historyJson = new(JsonSerializerDefaults.Web)
    { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The deal with its lines, locked for this transaction; null when there is none.</summary>
    public static Task<Deal?> Lock(NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        tx.Connection!.QuerySingleOrDefaultAsync<Deal>(new CommandDefinition(
            $"select {WithLines} from deals d where d.id = @id for no key update of d", new { id }, tx, cancellationToken: ct));

    /// <summary>Saves a new registration as version 1 with its lines, history entry and <see cref="DealRegistered"/>.</summary>
    public async Task<Deal> Create(NpgsqlTransaction tx, Deal deal, IReadOnlyList<DealLine> lines, int conflicts, string actor,
        object changes, CancellationToken ct)
    {
        var created = deal with { Version = 1, LinesJson = Deal.LinesOf(lines) };
        await tx.Connection!.ExecuteAsync(new CommandDefinition(InsertSql, created, tx, cancellationToken: ct));
        await WriteLines(tx, created.Id, lines, ct);
        await History(tx, created, "registered", actor, null, changes, ct);
        await outbox.Add(tx, created.Registered(actor, conflicts), ct);
        return created;
    }

    /// <summary>
    /// Saves a transition of a deal read (locked) in this transaction: the next version, its lines if
    /// they changed, its history entry and its event. Returns the deal as saved.
    /// </summary>
    public async Task<Deal> Commit(NpgsqlTransaction tx, Deal before, Moved<Deal> move, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var after = move.State with { Version = before.Version + 1, UpdatedAt = now };
        var conn = tx.Connection!;
        if (await conn.ExecuteAsync(new CommandDefinition(UpdateSql, after, tx, cancellationToken: ct)) != 1)
            throw new InvalidOperationException($"deal {before.Id} changed since version {before.Version} was read");
        if (after.LinesJson != before.LinesJson)
        {
            await conn.ExecuteAsync(new CommandDefinition("delete from deal_lines where deal_id = @Id", new { after.Id }, tx, cancellationToken: ct));
            await WriteLines(tx, after.Id, after.Lines(), ct);
        }
        await History(tx, after, move.Action, actor, move.Reason, move.Changes, ct);
        await outbox.Add(tx, move.Announce(after, after.Version), ct);
        return after;
    }

    /// <summary>
    /// The whole of a change to one deal the caller may see: lock it, apply the transition, commit,
    /// answer 200 with the deal as saved; 404 when there is none (or the caller may not see it), 409
    /// naming its status when the transition refuses. <paramref name="transition"/> may answer
    /// otherwise (403, 400) before deciding.
    /// </summary>
    public async Task<IResult> Change(NpgsqlDataSource db, TimeProvider clock, ClaimsPrincipal user, Guid id,
        Func<Deal, Caller, IResult?> allowed, Func<Deal, Caller, DateTimeOffset, Outcome<Deal>> transition, CancellationToken ct)
    {
        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var deal = await Lock(tx, id, ct);
        if (deal is null || !await MaySee(conn, tx, caller, deal, ct)) return NotFound(id);
        if (allowed(deal, caller) is { } refusal) return refusal;
        switch (transition(deal, caller, now))
        {
            case Refused<Deal> refused: return refused.Problem();
            case Moved<Deal> move:
                var saved = await Commit(tx, deal, move, caller.Subject, now, ct);
                await tx.CommitAsync(ct);
                return TypedResults.Ok(saved);
            default: throw new InvalidOperationException("a transition either moves or refuses");
        }
    }

    /// <summary>Sell-through lines of one report batch were linked to a deal: the registered share of what sold.</summary>
    public Task Linked(NpgsqlTransaction tx, SellThroughLinked linked, CancellationToken ct) => outbox.Add(tx, linked, ct);

    /// <summary>Publishes the current state of each deal again (<see cref="DealStateReplayed"/>), in the caller's transaction.</summary>
    public async Task Replay(NpgsqlTransaction tx, IEnumerable<Deal> page, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var d in page)
            await outbox.Add(tx, new DealStateReplayed { DealId = d.Id, Version = d.Version, OccurredAt = now, Deal = d.State() }, ct);
    }

    static Task WriteLines(NpgsqlTransaction tx, Guid dealId, IReadOnlyList<DealLine> lines, CancellationToken ct) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(InsertLines, new
        {
            DealId = dealId,
            Skus = lines.Select(l => l.Sku).ToArray(),
            Families = lines.Select(l => l.ProductFamily).ToArray(),
            Quantities = lines.Select(l => l.Quantity).ToArray(),
            Amounts = lines.Select(l => l.Amount).ToArray(),
        }, tx, cancellationToken: ct));

    static Task History(NpgsqlTransaction tx, Deal deal, string action, string actor, string? reason, object? changes, CancellationToken ct) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(InsertHistory, new
        {
            DealId = deal.Id,
            deal.Version,
            Action = action,
            Actor = actor,
            Reason = reason,
            Changes = JsonSerializer.Serialize(changes ?? new { }, historyJson),
            At = deal.UpdatedAt,
        }, tx, cancellationToken: ct));

    public static IResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such deal.", detail: $"Deal {id} was not found.");

    /// <summary>
    /// Whether the caller may see the deal: staff all; a partner its own; a distributor the deals it
    /// registered and those of resellers it is authorized to serve.
    /// </summary>
    public static async Task<bool> MaySee(NpgsqlConnection conn, NpgsqlTransaction? tx, Caller caller, Deal deal, CancellationToken ct)
    {
        if (caller.SeesEverything) return true;
        if (caller.Role == Roles.Partner) return caller.PartnerId == deal.PartnerId;
        if (caller.Role != Roles.Distributor || caller.DistributorId is null) return false;
        if (deal.DistributorId == caller.DistributorId) return true;
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from reseller_authorizations where distributor_id = @d and partner_id = @p and active)",
            new { d = caller.DistributorId, p = deal.PartnerId }, tx, cancellationToken: ct));
    }

    /// <summary>The registrant: the partner's own users, or the distributor that registered it.</summary>
    public static bool IsRegistrant(Caller caller, Deal deal) =>
        (caller.Role == Roles.Partner && caller.PartnerId == deal.PartnerId)
        || (caller.Role == Roles.Distributor && caller.DistributorId is not null && caller.DistributorId == deal.DistributorId);

    /// <summary>Only the registrant may do this (else 403).</summary>
    public static IResult? RegistrantOnly(Deal deal, Caller caller) => IsRegistrant(caller, deal) ? null : TypedResults.Forbid();

    /// <summary>The registrant or a channel manager may do this (else 403).</summary>
    public static IResult? RegistrantOrManager(Deal deal, Caller caller) =>
        caller.IsManager || IsRegistrant(caller, deal) ? null : TypedResults.Forbid();
}
