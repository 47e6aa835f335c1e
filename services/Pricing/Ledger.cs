using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Channel.Contracts.Pricing;
using Channel.Hosting.Auth;
using Channel.Messaging;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Channel.Pricing;

/// <summary>
/// The price authorizations and claims, and their one commit path: a PA is saved only by <see cref="Issue"/> (its first
/// version) and <see cref="Commit"/> (each next one), a claim only by <see cref="CreateClaim"/> and <see cref="CommitClaim"/>;
/// each writes the row (and its lines), its history entry and its event in the caller's transaction. No version without
/// an event; nothing else in the service writes to the outbox.
/// </summary>
public sealed class Ledger(Outbox outbox)
{
    /// <summary>The PA aliased <c>a</c> with its lines and their prices as one JSON text.</summary>
    public const string WithLines = """
        a.*, (select coalesce(jsonb_agg(jsonb_build_object('lineNo', l.line_no, 'sku', l.sku, 'productFamily', l.product_family,
                  'maxQuantity', trim_scale(l.max_quantity), 'discountPercent', trim_scale(l.discount_percent), 'currency', l.currency,
                  'claimedQuantity', trim_scale(l.claimed_quantity), 'registeredAmount', l.registered_amount,
                  'prices', (select coalesce(jsonb_agg(jsonb_build_object('sku', p.sku, 'listPrice', p.list_price, 'bookCost', p.book_cost,
                                 'netCost', p.net_cost) order by p.sku), '[]'::jsonb)
                             from authorization_prices p where p.authorization_id = l.authorization_id and p.line_no = l.line_no))
                  order by l.line_no), '[]'::jsonb)::text
              from authorization_lines l where l.authorization_id = a.id) as lines_json
        """;

    const string InsertAuthorization = """
        insert into authorizations (id, number, deal_id, partner_id, customer_name, customer_country, customer_region, status, revision,
            tier, incumbent_vendor, deal_approver, approved_by, valid_from, valid_until, currency, issued_at, updated_at, version)
        values (@Id, @Number, @DealId, @PartnerId, @CustomerName, @CustomerCountry, @CustomerRegion, @Status, @Revision,
            @Tier, @IncumbentVendor, @DealApprover, @ApprovedBy, @ValidFrom, @ValidUntil, @Currency, @IssuedAt, @UpdatedAt, @Version)
        """;

    const string InsertLines = """
        insert into authorization_lines (authorization_id, line_no, sku, product_family, max_quantity, discount_percent, currency, claimed_quantity,
            registered_amount)
        select @Id, l.line_no, l.sku, l.product_family, l.max_quantity, l.discount_percent, l.currency, l.claimed_quantity, l.registered_amount
        from jsonb_to_recordset(@Lines::jsonb) as l(line_no int, sku text, product_family text, max_quantity numeric,
            discount_percent numeric, currency text, claimed_quantity numeric, registered_amount numeric)
        """;

    const string InsertPrices = """
        insert into authorization_prices (authorization_id, line_no, sku, list_price, book_cost, net_cost)
        select @Id, p.line_no, p.sku, p.list_price, p.book_cost, p.net_cost
        from jsonb_to_recordset(@Prices::jsonb) as p(line_no int, sku text, list_price numeric, book_cost numeric, net_cost numeric)
        """;

    // Guarded by the version it was read at: a change computed from a stale read saves nothing.
    const string UpdateAuthorization = """
        update authorizations set status = @Status, revision = @Revision, approved_by = @ApprovedBy, valid_until = @ValidUntil,
            revoked_at = @RevokedAt, revoked_reason = @RevokedReason, holds = @Holds, resume_to = @ResumeTo, suspended_at = @SuspendedAt,
            suspended_reason = @SuspendedReason, suspensions = @Suspensions::jsonb, screening_sequence = @ScreeningSequence,
            updated_at = @UpdatedAt, version = @Version
        where id = @Id and version = @Version - 1
        """;

    const string UpdateLines = """
        update authorization_lines l set claimed_quantity = u.claimed_quantity, discount_percent = u.discount_percent
        from jsonb_to_recordset(@Lines::jsonb) as u(line_no int, claimed_quantity numeric, discount_percent numeric)
        where l.authorization_id = @Id and l.line_no = u.line_no
          and (l.claimed_quantity <> u.claimed_quantity or l.discount_percent <> u.discount_percent)
        """;

    const string UpdatePrices = """
        update authorization_prices p set net_cost = u.net_cost
        from jsonb_to_recordset(@Prices::jsonb) as u(line_no int, sku text, net_cost numeric)
        where p.authorization_id = @Id and p.line_no = u.line_no and p.sku = u.sku and p.net_cost <> u.net_cost
        """;

    const string InsertHistory = """
        insert into authorization_history (authorization_id, version, action, actor, reason, changes, at)
        values (@Id, @Version, @Action, @Actor, @Reason, @Changes::jsonb, @At)
        """;

    const string InsertClaim = """
        insert into claims (id, claim_number, distributor_id, status, currency, received_at, received_by, content_hash, line_count,
            claimed_amount, accepted_lines, adjusted_lines, rejected_lines, pending_lines, disputed_lines, accepted_credit, override_credit,
            updated_at, version)
        values (@Id, @ClaimNumber, @DistributorId, @Status, @Currency, @ReceivedAt, @ReceivedBy, @ContentHash, @LineCount,
            @ClaimedAmount, @AcceptedLines, @AdjustedLines, @RejectedLines, @PendingLines, @DisputedLines, @AcceptedCredit, @OverrideCredit,
            @UpdatedAt, @Version)
        """;

    const string UpdateClaim = """
        update claims set status = @Status, accepted_lines = @AcceptedLines, adjusted_lines = @AdjustedLines, rejected_lines = @RejectedLines,
            pending_lines = @PendingLines, disputed_lines = @DisputedLines, accepted_credit = @AcceptedCredit, override_credit = @OverrideCredit,
            approved_by = @ApprovedBy, approved_at = @ApprovedAt, credit_memo = @CreditMemo, settled_by = @SettledBy, settled_at = @SettledAt,
            updated_at = @UpdatedAt, version = @Version
        where id = @Id and version = @Version - 1
        """;

    const string UpdateClaimLines = """
        update claim_lines c set status = u.status, reason = u.reason, credit = u.credit, reserved = u.reserved, decided_at = u.decided_at,
            dispute_comment = u.dispute_comment, disputed_at = u.disputed_at, disputed_status = u.disputed_status,
            disputed_reason = u.disputed_reason, resolution = u.resolution, resolved_by = u.resolved_by, resolved_at = u.resolved_at
        from jsonb_to_recordset(@Lines::jsonb) as u(line_no int, status text, reason text, credit numeric, reserved boolean,
            decided_at timestamptz, dispute_comment text, disputed_at timestamptz, disputed_status text, disputed_reason text,
            resolution text, resolved_by text, resolved_at timestamptz)
        where c.claim_id = @Id and c.line_no = u.line_no
        """;

    const string InsertClaimHistory = """
        insert into claim_history (claim_id, version, action, actor, reason, changes, at)
        values (@Id, @Version, @Action, @Actor, @Reason, @Changes::jsonb, @At)
        """;

    static readonly JsonSerializerOptions historyJson = new(JsonSerializerDefaults.Web)
    { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    static readonly JsonSerializerOptions rowsJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The PA with its lines, locked for this transaction; null when there is none.</summary>
    public static Task<PriceAuthorization?> Lock(NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        tx.Connection!.QuerySingleOrDefaultAsync<PriceAuthorization>(new CommandDefinition(
            $"select {WithLines} from authorizations a where a.id = @id for no key update of a", new { id }, tx, cancellationToken: ct));

    /// <summary>These PAs, locked in id order (two transactions locking the same ones never deadlock).</summary>
    public static async Task<Dictionary<Guid, PriceAuthorization>> LockAll(NpgsqlTransaction tx, IEnumerable<Guid> ids, CancellationToken ct) =>
        (await tx.Connection!.QueryAsync<PriceAuthorization>(new CommandDefinition(
            $"select {WithLines} from authorizations a where a.id = any(@ids) order by a.id for no key update of a",
            new { ids = ids.Distinct().ToArray() }, tx, cancellationToken: ct))).ToDictionary(a => a.Id);

    /// <summary>Saves a new PA as version 1 with its lines, prices, history entry and <see cref="PriceAuthorizationIssued"/>.</summary>
    public async Task<PriceAuthorization> Issue(NpgsqlTransaction tx, PriceAuthorization pa, object changes, CancellationToken ct)
    {
        var issued = pa with { Version = 1 };
        var conn = tx.Connection!;
        await conn.ExecuteAsync(new CommandDefinition(InsertAuthorization, issued, tx, cancellationToken: ct));
        var lines = issued.Lines();
        await conn.ExecuteAsync(new CommandDefinition(InsertLines, new { issued.Id, Lines = Rows(lines) }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(InsertPrices, new { issued.Id, Prices = PriceRows(lines) }, tx, cancellationToken: ct));
        await History(tx, InsertHistory, issued.Id, issued.Version, "issued", "pricing", null, changes, issued.UpdatedAt, ct);
        await outbox.Add(tx, issued.Issued(), ct);
        return issued;
    }

    /// <summary>
    /// Compliance's latest decision on a PA changed nothing about it: only its sequence is kept (no new version, no event),
    /// so an older decision arriving later is still turned away.
    /// </summary>
    public static Task ScreeningApplied(NpgsqlTransaction tx, Guid id, long sequence, CancellationToken ct) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition("update authorizations set screening_sequence = @sequence where id = @id and screening_sequence < @sequence",
            new { id, sequence }, tx, cancellationToken: ct));

    /// <summary>Saves a transition of a PA read (locked) in this transaction: the next version, its lines if they changed, history and event.</summary>
    public async Task<PriceAuthorization> Commit(NpgsqlTransaction tx, PriceAuthorization before, Moved<PriceAuthorization> move, string actor,
        DateTimeOffset now, CancellationToken ct)
    {
        var after = move.State with { Version = before.Version + 1, UpdatedAt = now };
        var conn = tx.Connection!;
        if (await conn.ExecuteAsync(new CommandDefinition(UpdateAuthorization, after, tx, cancellationToken: ct)) != 1)
            throw new InvalidOperationException($"price authorization {before.Id} changed since version {before.Version} was read");
        if (after.LinesJson != before.LinesJson)
        {
            var lines = after.Lines();
            await conn.ExecuteAsync(new CommandDefinition(UpdateLines, new { after.Id, Lines = Rows(lines) }, tx, cancellationToken: ct));
            await conn.ExecuteAsync(new CommandDefinition(UpdatePrices, new { after.Id, Prices = PriceRows(lines) }, tx, cancellationToken: ct));
        }
        await History(tx, InsertHistory, after.Id, after.Version, move.Action, actor, move.Reason, move.Changes, now, ct);
        await outbox.Add(tx, move.Announce(after, after.Version), ct);
        return after;
    }

    /// <summary>
    /// The whole of a change to one PA the caller may see: lock it, apply the transition, commit, answer 200 with the
    /// PA as saved; 404 when there is none (or the caller may not see it), 409 naming its status when the transition refuses.
    /// </summary>
    public async Task<IResult> Change(NpgsqlDataSource db, TimeProvider clock, ClaimsPrincipal user, Guid id,
        Func<PriceAuthorization, Caller, IResult?> allowed, Func<PriceAuthorization, Caller, DateTimeOffset, Outcome<PriceAuthorization>> transition,
        CancellationToken ct)
    {
        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var pa = await Lock(tx, id, ct);
        if (pa is null || !await Scope.MaySee(tx, caller, pa, ct)) return Scope.NoSuchAuthorization(id);
        if (allowed(pa, caller) is { } refusal) return refusal;
        switch (transition(pa, caller, now))
        {
            case Refused<PriceAuthorization> refused: return refused.Problem();
            case Moved<PriceAuthorization> move:
                var saved = await Commit(tx, pa, move, caller.Subject, now, ct);
                await tx.CommitAsync(ct);
                return TypedResults.Ok(AuthorizationView.Of(saved, caller));
            default: throw new InvalidOperationException("a transition either moves or refuses");
        }
    }

    /// <summary>The claim, locked for this transaction; null when there is none.</summary>
    public static Task<Claim?> LockClaim(NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        tx.Connection!.QuerySingleOrDefaultAsync<Claim>(new CommandDefinition(
            "select * from claims where id = @id for no key update", new { id }, tx, cancellationToken: ct));

    /// <summary>Saves a new claim as version 1 with every line (binary COPY), its history entry and <see cref="ClaimReceived"/>.</summary>
    public async Task<Claim> CreateClaim(NpgsqlTransaction tx, Claim claim, IReadOnlyList<ClaimLine> lines, CancellationToken ct)
    {
        var created = Claim.Received(claim, lines) with { Version = 1 };
        var conn = tx.Connection!;
        await conn.ExecuteAsync(new CommandDefinition(InsertClaim, created, tx, cancellationToken: ct));
        await using (var copy = await conn.BeginBinaryImportAsync("""
            copy claim_lines (claim_id, line_no, distributor_id, pa_number, authorization_id, pa_line_no, deal_id, invoice_number, invoice_date,
                reseller_id, end_customer_name, vendor_sku, quantity, book_cost, authorized_cost, claimed_amount, authorized_credit, status, reason,
                credit, reserved, decided_at) from stdin (format binary)
            """, ct))
        {
            foreach (var l in lines)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(created.Id, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(l.LineNo, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(created.DistributorId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(l.PaNumber, NpgsqlDbType.Text, ct);
                await Nullable(copy, l.AuthorizationId, NpgsqlDbType.Uuid, ct);
                await Nullable(copy, l.PaLineNo, NpgsqlDbType.Integer, ct);
                await Nullable(copy, l.DealId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(l.InvoiceNumber, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(l.InvoiceDate, NpgsqlDbType.Date, ct);
                await copy.WriteAsync(l.ResellerId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(l.EndCustomerName, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(l.VendorSku, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(l.Quantity, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(l.BookCost, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(l.AuthorizedCost, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(l.ClaimedAmount, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(l.AuthorizedCredit, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(l.Status, NpgsqlDbType.Text, ct);
                if (l.Reason is null) await copy.WriteNullAsync(ct); else await copy.WriteAsync(l.Reason, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(l.Credit, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(l.Reserved, NpgsqlDbType.Boolean, ct);
                await copy.WriteAsync(l.DecidedAt, NpgsqlDbType.TimestampTz, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await History(tx, InsertClaimHistory, created.Id, 1, "received", created.ReceivedBy, null,
            new { lines = created.LineCount, created.AcceptedLines, created.AdjustedLines, created.RejectedLines, created.PendingLines, created.AcceptedCredit },
            created.UpdatedAt, ct);
        await outbox.Add(tx, created.ReceivedEvent(lines), ct);
        return created;
    }

    /// <summary>Saves a transition of a claim read (locked) in this transaction: the next version, the lines it changed, history and event.</summary>
    public async Task<Claim> CommitClaim(NpgsqlTransaction tx, Claim before, Moved<Claim> move, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var after = move.State with { Version = before.Version + 1, UpdatedAt = now };
        var conn = tx.Connection!;
        if (await conn.ExecuteAsync(new CommandDefinition(UpdateClaim, after, tx, cancellationToken: ct)) != 1)
            throw new InvalidOperationException($"claim {before.Id} changed since version {before.Version} was read");
        if (after.Changed.Count > 0)
            await conn.ExecuteAsync(new CommandDefinition(UpdateClaimLines,
                new { after.Id, Lines = LineRows(after.Changed) }, tx, cancellationToken: ct));
        await History(tx, InsertClaimHistory, after.Id, after.Version, move.Action, actor, move.Reason, move.Changes, now, ct);
        await outbox.Add(tx, move.Announce(after, after.Version), ct);
        return after;
    }

    /// <summary>
    /// The whole of a change to one claim the caller may see: lock it (and the line named, if any), apply the transition,
    /// commit, answer 200 with the claim as saved; 404 when there is none (or the caller may not see it, or no such line),
    /// 409 when the transition refuses. <paramref name="after"/> runs in the same transaction once the claim is saved
    /// (a manager's override takes its quantity on the PA).
    /// </summary>
    public async Task<IResult> ChangeClaim(NpgsqlDataSource db, TimeProvider clock, ClaimsPrincipal user, Guid id, int? lineNo,
        Func<Claim, Caller, IResult?> allowed, Func<Claim, ClaimLine?, Caller, DateTimeOffset, Outcome<Claim>> transition,
        Func<NpgsqlTransaction, ClaimLine, ClaimLine, DateTimeOffset, Task>? after, CancellationToken ct)
    {
        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var claim = await LockClaim(tx, id, ct);
        if (claim is null || !Scope.MaySee(caller, claim)) return Scope.NoSuchClaim(id);
        if (allowed(claim, caller) is { } refusal) return refusal;
        ClaimLine? line = null;
        if (lineNo is not null)
        {
            line = await conn.QuerySingleOrDefaultAsync<ClaimLine>(new CommandDefinition(
                "select * from claim_lines where claim_id = @id and line_no = @lineNo", new { id, lineNo }, tx, cancellationToken: ct));
            if (line is null)
                return TypedResults.Problem(statusCode: 404, title: "No such claim line.", detail: $"Claim {claim.ClaimNumber} has no line {lineNo}.");
        }
        switch (transition(claim, line, caller, now))
        {
            case Refused<Claim> refused: return refused.Problem();
            case Moved<Claim> move:
                var saved = await CommitClaim(tx, claim, move, caller.Subject, now, ct);
                if (after is not null && line is not null && saved.Changed.FirstOrDefault(l => l.LineNo == line.LineNo) is { } changed)
                    await after(tx, line, changed, now);
                await tx.CommitAsync(ct);
                return TypedResults.Ok(saved);
            default: throw new InvalidOperationException("a transition either moves or refuses");
        }
    }

    /// <summary>Sales of one sell-through batch at or below book cost that no PA covered (leakage), in the caller's transaction.</summary>
    public Task BelowBookCost(NpgsqlTransaction tx, SellThroughBelowBookCost found, CancellationToken ct) => outbox.Add(tx, found, ct);

    /// <summary>Publishes the current state of each PA again (<see cref="PriceAuthorizationStateReplayed"/>), in the caller's transaction.</summary>
    public async Task Replay(NpgsqlTransaction tx, IEnumerable<PriceAuthorization> page, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var a in page)
            await outbox.Add(tx, new PriceAuthorizationStateReplayed { AuthorizationId = a.Id, Version = a.Version, OccurredAt = now, Authorization = a.State() }, ct);
    }

    static string Rows(IEnumerable<PriceAuthorizationLine> lines) => JsonSerializer.Serialize(lines.Select(l => new
    {
        l.LineNo,
        l.Sku,
        l.ProductFamily,
        l.MaxQuantity,
        l.DiscountPercent,
        l.Currency,
        l.ClaimedQuantity,
        l.RegisteredAmount,
    }), rowsJson);

    static string LineRows(IEnumerable<ClaimLine> lines) => JsonSerializer.Serialize(lines.Select(l => new
    {
        l.LineNo,
        l.Status,
        l.Reason,
        l.Credit,
        l.Reserved,
        l.DecidedAt,
        l.DisputeComment,
        l.DisputedAt,
        l.DisputedStatus,
        l.DisputedReason,
        l.Resolution,
        l.ResolvedBy,
        l.ResolvedAt,
    }), rowsJson);

    static string PriceRows(IEnumerable<PriceAuthorizationLine> lines) => JsonSerializer.Serialize(
        lines.SelectMany(l => l.Prices.Select(p => new { l.LineNo, p.Sku, p.ListPrice, p.BookCost, p.NetCost })), rowsJson);

    static Task History(NpgsqlTransaction tx, string sql, Guid id, int version, string action, string actor, string? reason, object? changes,
        DateTimeOffset at, CancellationToken ct) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(sql, new
        {
            Id = id,
            Version = version,
            Action = action,
            Actor = actor,
            Reason = reason,
            Changes = JsonSerializer.Serialize(changes ?? new { }, historyJson),
            At = at,
        }, tx, cancellationToken: ct));

    static async Task Nullable<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct) where T : struct
    {
        if (value is { } v) await copy.WriteAsync(v, type, ct);
        else await copy.WriteNullAsync(ct);
    }
}
