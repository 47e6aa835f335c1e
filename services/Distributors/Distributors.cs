using System.Text.Json;
using Channel.Contracts.Distributors;
using Channel.Hosting.Auth;
using Channel.Messaging;
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
    public string Status { get; set; } = DistributorStatus.Active;
    public string? StatusReason { get; set; }
    public DateTimeOffset? StatusChangedAt { get; set; }
    /// <summary>The Compliance service's latest decision: clear, review or block (a hold suspends an active distributor).</summary>
    public string Screening { get; set; } = Channel.Contracts.Compliance.ScreeningOutcome.Clear;
    public string? ScreeningReason { get; set; }
    [System.Text.Json.Serialization.JsonIgnore] public long ScreeningSequence { get; set; }
    [System.Text.Json.Serialization.JsonIgnore] public bool HeldByCompliance { get; set; }

    public bool IsActive => Status == DistributorStatus.Active;
    public bool ComplianceHolds => Screening is Channel.Contracts.Compliance.ScreeningOutcome.Review or Channel.Contracts.Compliance.ScreeningOutcome.Block;

    public DistributorState State() => new() { Name = Name, Countries = Countries, Regions = Regions, Status = Status };
}

/// <summary>
/// The commit path of the Distributors service: a distributor, an authorization and a sell-through
/// report are saved (and announced) only here, each change with its event in the caller's
/// transaction. Nothing else in the service writes to the outbox.
/// </summary>
public sealed class Distributors(Outbox outbox, Channel.Distributors.Features.UploadSellThroughReport.Options reports)
{
    public const string Columns =
        "id, name, countries, regions, contacts::text as contacts_json, created_at, updated_at, version, status, status_reason, status_changed_at, " +
        "screening, screening_reason, screening_sequence, held_by_compliance";

    public const string AuthorizationColumns =
        "id, distributor_id, partner_id, regions, active, authorized_at, authorized_by, revoked_at, revoked_by, revoke_reason, version, partner_version, paused_by_hold";

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
        public string Status { get; set; } = DistributorStatus.Active;
        public string? StatusReason { get; set; }
        public DateTimeOffset? StatusChangedAt { get; set; }
        public string Screening { get; set; } = "";
        public string? ScreeningReason { get; set; }
        public long ScreeningSequence { get; set; }
        public bool HeldByCompliance { get; set; }
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
            Status = r.Status,
            StatusReason = r.StatusReason,
            StatusChangedAt = r.StatusChangedAt,
            Screening = r.Screening,
            ScreeningReason = r.ScreeningReason,
            ScreeningSequence = r.ScreeningSequence,
            HeldByCompliance = r.HeldByCompliance,
        })];

    /// <summary>A distributor onboarded (its row is inserted by the caller in this transaction): announced as its version 1.</summary>
    public Task Onboarded(NpgsqlTransaction tx, Distributor distributor, string actor, CancellationToken ct) =>
        outbox.Add(tx, new DistributorOnboarded
        {
            DistributorId = distributor.Id,
            Version = distributor.Version,
            OccurredAt = distributor.CreatedAt,
            Actor = actor,
            Distributor = distributor.State(),
        }, ct);

    /// <summary>The distributor, locked for this transaction; null when there is none.</summary>
    public static async Task<Distributor?> Lock(NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        (await Query(tx.Connection!, $"select {Columns} from distributors where id = @id for update", new { id }, tx, ct)).SingleOrDefault();

    /// <summary>
    /// A change to the distributor's users (its row in distributor_users is written by the caller in this
    /// transaction): saved as the distributor's next version and announced with the event made for it.
    /// </summary>
    public async Task<Distributor> UsersChanged(NpgsqlTransaction tx, Distributor before, DateTimeOffset now,
        Func<int, DistributorState, IDistributorEvent> announce, CancellationToken ct)
    {
        var saved = await tx.Connection!.ExecuteAsync(new CommandDefinition(
            "update distributors set version = @Version + 1, updated_at = @now where id = @Id and version = @Version",
            new { before.Id, before.Version, now }, tx, cancellationToken: ct));
        if (saved != 1) throw new InvalidOperationException($"distributor {before.Id} changed since version {before.Version} was read");
        var after = new Distributor
        {
            Id = before.Id,
            Name = before.Name,
            Countries = before.Countries,
            Regions = before.Regions,
            Contacts = before.Contacts,
            CreatedAt = before.CreatedAt,
            UpdatedAt = now,
            Version = before.Version + 1,
            Status = before.Status,
            StatusReason = before.StatusReason,
            StatusChangedAt = before.StatusChangedAt,
        };
        await outbox.Add(tx, announce(after.Version, after.State()), ct);
        return after;
    }

    /// <summary>A distributor suspended, reinstated or terminated: saved as its next version and announced.</summary>
    public async Task<Distributor> StatusChanged(NpgsqlTransaction tx, Distributor before, string status, string? reason, string actor,
        DateTimeOffset now, CancellationToken ct)
    {
        var saved = await tx.Connection!.ExecuteAsync(new CommandDefinition("""
            update distributors set status = @status, status_reason = @reason, status_changed_at = @now, version = @Version + 1, updated_at = @now
            where id = @Id and version = @Version
            """, new { before.Id, before.Version, status, reason, now }, tx, cancellationToken: ct));
        if (saved != 1) throw new InvalidOperationException($"distributor {before.Id} changed since version {before.Version} was read");
        var after = (await Query(tx.Connection!, $"select {Columns} from distributors where id = @Id", new { before.Id }, tx, ct)).Single();
        // A terminated distributor serves nobody any more: each authorization ends as its own next version (Deals hears of it).
        if (status == DistributorStatus.Terminated)
        {
            var ending = (await tx.Connection!.QueryAsync<Authorization>(new CommandDefinition(
                $"select {AuthorizationColumns} from authorizations where distributor_id = @Id and active order by id for update",
                new { before.Id }, tx, cancellationToken: ct))).AsList();
            foreach (var authorization in ending)
                if (authorization.Revoke($"the distributor was terminated: {reason}", actor, now) is Moved<Authorization> revoke)
                    await Commit(tx, authorization, revoke, ct);
        }
        await outbox.Add(tx, new DistributorStatusChanged
        {
            DistributorId = after.Id,
            Version = after.Version,
            OccurredAt = now,
            Actor = actor,
            Distributor = after.State(),
            PreviousStatus = before.Status,
            Reason = reason,
        }, ct);
        return after;
    }

    /// <summary>
    /// The Compliance service's decision on a distributor (the caller locked it; an older decision than the one applied
    /// changes nothing): a hold suspends an active distributor, and compliance clearing its own hold reinstates it.
    /// </summary>
    public async Task Screened(NpgsqlTransaction tx, Distributor before, string outcome, string reason, long sequence, DateTimeOffset now,
        CancellationToken ct)
    {
        if (sequence <= before.ScreeningSequence) return;
        var holds = outcome is Channel.Contracts.Compliance.ScreeningOutcome.Review or Channel.Contracts.Compliance.ScreeningOutcome.Block;
        var suspend = holds && before.Status == DistributorStatus.Active;
        var reinstate = !holds && before.HeldByCompliance && before.Status == DistributorStatus.Suspended;
        // Compliance's suspension is remembered while it holds; a clear ends it (a manager's own suspension is not compliance's).
        await tx.Connection!.ExecuteAsync(new CommandDefinition("""
            update distributors set screening = @outcome, screening_reason = @Reason, screening_sequence = @sequence,
                held_by_compliance = @Held
            where id = @Id
            """, new { outcome, Reason = holds ? reason : null, sequence, Held = holds && (suspend || before.HeldByCompliance), before.Id }, tx,
            cancellationToken: ct));
        if (suspend) await StatusChanged(tx, before, DistributorStatus.Suspended, $"Compliance: {reason}", "compliance", now, ct);
        else if (reinstate) await StatusChanged(tx, before, DistributorStatus.Active, "Compliance cleared its hold", "compliance", now, ct);
    }

    const string InsertAuthorization = """
        insert into authorizations (id, distributor_id, partner_id, regions, active, authorized_at, authorized_by, revoked_at, revoked_by,
            revoke_reason, version, partner_version, paused_by_hold)
        values (@Id, @DistributorId, @PartnerId, @Regions, @Active, @AuthorizedAt, @AuthorizedBy, @RevokedAt, @RevokedBy,
            @RevokeReason, @Version, @PartnerVersion, @PausedByHold)
        """;

    // Guarded by the version it was read at: a change computed from a stale read saves nothing.
    const string UpdateAuthorization = """
        update authorizations set regions = @Regions, active = @Active, authorized_at = @AuthorizedAt, authorized_by = @AuthorizedBy,
            revoked_at = @RevokedAt, revoked_by = @RevokedBy, revoke_reason = @RevokeReason, version = @Version, partner_version = @PartnerVersion,
            paused_by_hold = @PausedByHold
        where id = @Id and version = @Version - 1
        """;

    /// <summary>The authorization of this pair, locked for this transaction; null when there is none yet.</summary>
    public static Task<Authorization?> LockAuthorization(NpgsqlTransaction tx, Guid distributorId, Guid partnerId, CancellationToken ct) =>
        tx.Connection!.QuerySingleOrDefaultAsync<Authorization>(new CommandDefinition(
            $"select {AuthorizationColumns} from authorizations where distributor_id = @distributorId and partner_id = @partnerId for update",
            new { distributorId, partnerId }, tx, cancellationToken: ct));

    /// <summary>Saves an authorization's next version (its first, when it is new) and its event.</summary>
    public async Task<Authorization> Commit(NpgsqlTransaction tx, Authorization before, Moved<Authorization> move, CancellationToken ct)
    {
        var after = move.State with { Version = before.Version + 1 };
        var sql = before.Version == 0 ? InsertAuthorization : UpdateAuthorization;
        if (await tx.Connection!.ExecuteAsync(new CommandDefinition(sql, after, tx, cancellationToken: ct)) != 1)
            throw new InvalidOperationException($"authorization {before.Id} changed since version {before.Version} was read");
        // Its event names both sides, so a reader that has not heard of the distributor or the partner yet can name them.
        var names = await tx.Connection!.QuerySingleAsync<(string? Distributor, string? Partner)>(new CommandDefinition(
            "select (select name from distributors where id = @DistributorId), (select legal_name from partners where id = @PartnerId)",
            after, tx, cancellationToken: ct));
        await outbox.Add(tx, move.Announce(after with { DistributorName = names.Distributor, PartnerName = names.Partner }, after.Version), ct);
        return after;
    }

    /// <summary>
    /// Ends a partner's active authorizations: all of them when it is no longer active, or those
    /// granted before it last became active (it was suspended or terminated in between, even if the
    /// event that said so was overtaken by a later one). Each is revoked as its own next version.
    /// </summary>
    public async Task<int> EndAuthorizations(NpgsqlTransaction tx, Guid partnerId, bool partnerActive, int? activeSinceVersion, string reason,
        DateTimeOffset now, CancellationToken ct, bool paused = false)
    {
        var ending = (await tx.Connection!.QueryAsync<Authorization>(new CommandDefinition($"""
            select {AuthorizationColumns} from authorizations
            where partner_id = @partnerId and active and (not @partnerActive or partner_version < @activeSinceVersion)
            order by id for update
            """, new { partnerId, partnerActive, activeSinceVersion = activeSinceVersion ?? 0 }, tx, cancellationToken: ct))).AsList();
        foreach (var authorization in ending)
            if (authorization.Revoke(reason, "system", now, paused) is Moved<Authorization> revoke)
                await Commit(tx, authorization, revoke, ct);
        return ending.Count;
    }

    /// <summary>The partner is active again after a hold: the authorizations the hold paused stand again, as they were.</summary>
    public async Task RestoreAuthorizations(NpgsqlTransaction tx, Guid partnerId, int partnerVersion, DateTimeOffset now, CancellationToken ct)
    {
        var paused = (await tx.Connection!.QueryAsync<Authorization>(new CommandDefinition($"""
            select {AuthorizationColumns} from authorizations
            where partner_id = @partnerId and not active and paused_by_hold
            order by id for update
            """, new { partnerId }, tx, cancellationToken: ct))).AsList();
        foreach (var authorization in paused)
            if (authorization.Grant(authorization.Regions, partnerVersion, "system", now) is Moved<Authorization> restore)
                await Commit(tx, authorization, restore, ct);
    }

    sealed class ReportHeader
    {
        public Guid Id { get; set; }
        public Guid DistributorId { get; set; }
        public string ReportNumber { get; set; } = "";
        public DateOnly PeriodStart { get; set; }
        public DateOnly PeriodEnd { get; set; }
        public DateTimeOffset ReceivedAt { get; set; }
        public int AcceptedLines { get; set; }
        public int BatchLines { get; set; }
    }

    const string LineColumns = """
        line_number, invoice_number, invoice_date, transaction_type, reseller_id, end_customer_name, end_customer_domain,
        end_customer_country, end_customer_region, end_customer_postal_code, vendor_sku, quantity, unit_price, extended_amount, currency, deal_id
        """;

    /// <summary>
    /// Announces a report's accepted lines as stored (SellThroughReported, batches of the report's
    /// batch size, numbered 1 to their count), each event written once and complete; returns how
    /// many batches. The same batches whenever it is called for the report (upload, replay).
    /// </summary>
    public async Task<int> Announce(NpgsqlTransaction tx, Guid reportId, CancellationToken ct)
    {
        var conn = tx.Connection!;
        var report = await conn.QuerySingleAsync<ReportHeader>(new CommandDefinition("""
            select id, distributor_id, report_number, period_start, period_end, received_at, accepted_lines, batch_lines from reports where id = @reportId
            """, new { reportId }, tx, cancellationToken: ct));
        var size = report.BatchLines > 0 ? report.BatchLines : reports.BatchLines;
        var count = (report.AcceptedLines + size - 1) / size;
        var after = 0;
        for (var batch = 1; batch <= count; batch++)
        {
            var lines = (await conn.QueryAsync<SellThroughLine>(new CommandDefinition(
                $"select {LineColumns} from report_lines where report_id = @reportId and line_number > @after order by line_number limit @size",
                new { reportId, after, size }, tx, cancellationToken: ct))).AsList();
            after = lines[^1].LineNumber;
            await outbox.Add(tx, new SellThroughReported
            {
                ReportId = report.Id,
                DistributorId = report.DistributorId,
                ReportNumber = report.ReportNumber,
                PeriodStart = report.PeriodStart,
                PeriodEnd = report.PeriodEnd,
                Batch = batch,
                BatchCount = count,
                OccurredAt = report.ReceivedAt,
                Lines = lines,
            }, ct);
        }
        return count;
    }

    /// <summary>Announces that a report was processed: its counts and its first rejected lines (once, at upload).</summary>
    public async Task Processed(NpgsqlTransaction tx, Guid reportId, CancellationToken ct)
    {
        var conn = tx.Connection!;
        var report = await conn.QuerySingleAsync<ProcessedReport>(new CommandDefinition("""
            select id, distributor_id, report_number, period_start, period_end, received_at, received_by, total_lines, accepted_lines,
                rejected_lines, accepted_amount
            from reports where id = @reportId
            """, new { reportId }, tx, cancellationToken: ct));
        var rejections = (await conn.QueryAsync<Rejection>(new CommandDefinition("""
            select line_number, field, reason from report_rejections where report_id = @reportId order by line_number, field limit @limit
            """, new { reportId, limit = SellThroughReportProcessed.MaxRejections + 1 }, tx, cancellationToken: ct))).AsList();
        var truncated = rejections.Count > SellThroughReportProcessed.MaxRejections;
        if (truncated) rejections.RemoveAt(rejections.Count - 1);
        await outbox.Add(tx, new SellThroughReportProcessed
        {
            ReportId = report.Id,
            DistributorId = report.DistributorId,
            ReportNumber = report.ReportNumber,
            PeriodStart = report.PeriodStart,
            PeriodEnd = report.PeriodEnd,
            ReceivedBy = report.ReceivedBy,
            OccurredAt = report.ReceivedAt,
            TotalLines = report.TotalLines,
            AcceptedLines = report.AcceptedLines,
            RejectedLines = report.RejectedLines,
            AcceptedAmount = report.AcceptedAmount,
            Rejections = [.. rejections.Select(r => new SellThroughRejection { LineNumber = r.LineNumber, Field = r.Field, Reason = r.Reason })],
            RejectionsTruncated = truncated,
        }, ct);
    }

    sealed class Rejection
    {
        public int LineNumber { get; set; }
        public string Field { get; set; } = "";
        public string Reason { get; set; } = "";
    }

    sealed class ProcessedReport
    {
        public Guid Id { get; set; }
        public Guid DistributorId { get; set; }
        public string ReportNumber { get; set; } = "";
        public DateOnly PeriodStart { get; set; }
        public DateOnly PeriodEnd { get; set; }
        public DateTimeOffset ReceivedAt { get; set; }
        public string ReceivedBy { get; set; } = "";
        public int TotalLines { get; set; }
        public int AcceptedLines { get; set; }
        public int RejectedLines { get; set; }
        public decimal AcceptedAmount { get; set; }
    }

    /// <summary>Publishes the current state of distributors (with their users) and authorizations again, in the caller's transaction.</summary>
    public async Task Replay(NpgsqlTransaction tx, IEnumerable<Distributor> distributors, IEnumerable<Authorization> authorizations,
        DateTimeOffset now, CancellationToken ct)
    {
        var list = distributors.ToList();
        var users = (await tx.Connection!.QueryAsync<(Guid DistributorId, Guid Id, string Name, string Email, string Role)>(new CommandDefinition(
            "select distributor_id, id, name, email, role from distributor_users where distributor_id = any(@ids) order by created_at, id",
            new { ids = list.Select(d => d.Id).ToArray() }, tx, cancellationToken: ct)))
            .ToLookup(u => u.DistributorId, u => new DistributorUser { UserId = u.Id, Name = u.Name, Email = u.Email, Role = u.Role });
        foreach (var d in list)
            await outbox.Add(tx, new DistributorStateReplayed
            {
                DistributorId = d.Id,
                Version = d.Version,
                OccurredAt = now,
                Distributor = d.State(),
                Users = [.. users[d.Id]],
            }, ct);
        foreach (var a in authorizations)
            await outbox.Add(tx, new ResellerAuthorizationStateReplayed { AuthorizationId = a.Id, Version = a.Version, OccurredAt = now, Authorization = a.State() }, ct);
    }

    /// <summary>What a suspended or terminated distributor may not do: 409, saying its status.</summary>
    public static IResult NotActive(string status) =>
        TypedResults.Problem(statusCode: 409, title: $"The distributor is {status}.", detail: "Only an active distributor reports sell-through or gets new authorizations.",
            extensions: new Dictionary<string, object?> { ["status"] = status });

    public static IResult NotFound(string what, Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No such {what}.", detail: $"{what} {id} was not found.");

    /// <summary>Staff see every distributor; a distributor's users only their own.</summary>
    public static bool MayActFor(Caller caller, Guid distributorId) =>
        caller.SeesEverything || (caller.Role == Roles.Distributor && caller.DistributorId == distributorId);
}
