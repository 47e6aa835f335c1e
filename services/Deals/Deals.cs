using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Deals;

public static class Status
{
    public const string Submitted = "submitted";
    public const string ComplianceReview = "compliance_review";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Returned = "returned";
    public const string Won = "won";
    public const string Lost = "lost";
    public const string Expired = "expired";
    public static readonly string[] All = [Submitted, ComplianceReview, Approved, Rejected, Returned, Won, Lost, Expired];
    /// <summary>Waiting for a channel manager's decision.</summary>
    public static readonly string[] AwaitingDecision = [Submitted, ComplianceReview];
    /// <summary>Open registrations: the ones another partner's registration can conflict with.</summary>
    public static readonly string[] Open = [Submitted, ComplianceReview, Approved];
}

public static class Sectors
{
    public static readonly string[] All = ["commercial", "education", "healthcare", "government", "military"];
}

/// <summary>A deal registration as stored and as the API shows it.</summary>
public sealed class Deal
{
    public Guid Id { get; set; }
    public Guid PartnerId { get; set; }
    public Guid? DistributorId { get; set; }
    public string RegisteredBy { get; set; } = "";
    public string CustomerName { get; set; } = "";
    [JsonIgnore] public string CustomerKey { get; set; } = "";
    public string? CustomerDomain { get; set; }
    public string CustomerCountry { get; set; } = "";
    public string CustomerRegion { get; set; } = "";
    public string CustomerSector { get; set; } = "";
    public string[] ProductFamilies { get; set; } = [];
    public decimal TotalValue { get; set; }
    public string Currency { get; set; } = "";
    public DateOnly ExpectedClose { get; set; }
    public string? Notes { get; set; }
    public string Status { get; set; } = "";
    public string? ComplianceReason { get; set; }
    public string? StatusReason { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
    public DateTimeOffset? SlaDueAt { get; set; }
    public bool Overdue { get; set; }
    public DateTimeOffset? ApprovedAt { get; set; }
    public DateTimeOffset? ProtectionEndsAt { get; set; }
    public int ExtensionsUsed { get; set; }
    public DateTimeOffset? ExtensionRequestedAt { get; set; }
    public string? ExtensionRequestReason { get; set; }
    public decimal? ActualAmount { get; set; }
    public string? WonSource { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }

    public DealState State() => new()
    {
        Status = Status,
        PartnerId = PartnerId,
        DistributorId = DistributorId,
        CustomerName = CustomerName,
        CustomerDomain = CustomerDomain,
        CustomerCountry = CustomerCountry,
        CustomerRegion = CustomerRegion,
        CustomerSector = CustomerSector,
        ProductFamilies = ProductFamilies,
        TotalValue = TotalValue,
        Currency = Currency,
        ExpectedClose = ExpectedClose,
        SubmittedAt = SubmittedAt,
        ApprovedAt = ApprovedAt,
        ProtectionEndsAt = ProtectionEndsAt,
        SlaDueAt = SlaDueAt,
        Overdue = Overdue,
        ActualAmount = ActualAmount,
        ClosedAt = ClosedAt,
    };
}

public static class Deals
{
    public const string Columns = """
        id, partner_id, distributor_id, registered_by, customer_name, customer_key, customer_domain, customer_country,
        customer_region, customer_sector, product_families, total_value, currency, expected_close, notes, status,
        compliance_reason, status_reason, submitted_at, sla_due_at, overdue, approved_at, protection_ends_at,
        extensions_used, extension_requested_at, extension_request_reason, actual_amount, won_source, closed_at,
        updated_at, version
        """;

    const string InsertHistory = """
        insert into deal_history (deal_id, version, action, actor, reason, changes, at)
        values (@DealId, @Version, @Action, @Actor, @Reason, @Changes::jsonb, @At)
        """;

    static readonly JsonSerializerOptions historyJson = new(JsonSerializerDefaults.Web)
    { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The deal, locked for this transaction; null when there is none.</summary>
    public static Task<Deal?> Lock(NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        tx.Connection!.QuerySingleOrDefaultAsync<Deal>(new CommandDefinition(
            $"select {Columns} from deals where id = @id for no key update", new { id }, tx, cancellationToken: ct));

    public static Task History(NpgsqlTransaction tx, Deal deal, string action, string actor, string? reason, object? changes,
        DateTimeOffset at, CancellationToken ct) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(InsertHistory, new
        {
            DealId = deal.Id,
            deal.Version,
            Action = action,
            Actor = actor,
            Reason = reason,
            Changes = JsonSerializer.Serialize(changes ?? new { }, historyJson),
            At = at,
        }, tx, cancellationToken: ct));

    const string SaveSql = """
        update deals set status = @Status, status_reason = @StatusReason, compliance_reason = @ComplianceReason,
            sla_due_at = @SlaDueAt, overdue = @Overdue, approved_at = @ApprovedAt, protection_ends_at = @ProtectionEndsAt,
            extensions_used = @ExtensionsUsed, extension_requested_at = @ExtensionRequestedAt,
            extension_request_reason = @ExtensionRequestReason, actual_amount = @ActualAmount, won_source = @WonSource,
            closed_at = @ClosedAt, updated_at = @UpdatedAt, version = @Version
        where id = @Id
        """;

    /// <summary>Writes back the lifecycle fields of a deal locked by <see cref="Lock"/>, as its next version.</summary>
    public static Task Save(NpgsqlTransaction tx, Deal deal, DateTimeOffset now, CancellationToken ct)
    {
        deal.Version++;
        deal.UpdatedAt = now;
        return tx.Connection!.ExecuteAsync(new CommandDefinition(SaveSql, deal, tx, cancellationToken: ct));
    }

    /// <summary>
    /// A channel manager's decision with a reason on a deal waiting for one (reject, return): check the
    /// reason, move the deal to <paramref name="to"/>, record it and write the event
    /// <paramref name="announce"/> makes of it (deal, actor, reason, time), in one transaction.
    /// </summary>
    public static async Task<IResult> Decide(NpgsqlDataSource db, Outbox outbox, TimeProvider clock, ClaimsPrincipal user, Guid id,
        string? reasonText, string to, string action, string verb, Func<Deal, string, string, DateTimeOffset, object> announce, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", reasonText, 2000);
        if (check.Failed) return check.Problem();
        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var deal = await Lock(tx, id, ct);
        if (deal is null) return NotFound(id);
        if (!Status.AwaitingDecision.Contains(deal.Status)) return WrongState(deal, verb);
        deal.Status = to;
        deal.StatusReason = reason;
        if (to == Status.Rejected) deal.ClosedAt = now;
        await Save(tx, deal, now, ct);
        await History(tx, deal, action, caller.Subject, reason, new { status = deal.Status }, now, ct);
        await outbox.Add(tx, announce(deal, caller.Subject, reason!, now), ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(deal);
    }

    public static IResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such deal.", detail: $"Deal {id} was not found.");

    public static IResult WrongState(Deal deal, string action, string? detail = null) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
            title: $"A deal that is {deal.Status.Replace('_', ' ')} cannot be {action}.",
            detail: detail ?? $"Deal {deal.Id} is {deal.Status}.",
            extensions: new Dictionary<string, object?> { ["currentStatus"] = deal.Status });

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
}
