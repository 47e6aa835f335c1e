namespace Channel.Contracts.Deals;

/// <summary>The deal statuses every service may see in <see cref="DealState.Status"/>.</summary>
public static class DealStatus
{
    public const string Submitted = "submitted";
    public const string ComplianceReview = "compliance_review";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Returned = "returned";
    public const string Won = "won";
    public const string Lost = "lost";
    public const string Expired = "expired";
    public static readonly IReadOnlyList<string> All = [Submitted, ComplianceReview, Approved, Rejected, Returned, Won, Lost, Expired];
    /// <summary>Waiting for a channel manager's decision.</summary>
    public static readonly IReadOnlyList<string> AwaitingDecision = [Submitted, ComplianceReview];
    /// <summary>Registrations that hold or seek protection: the ones another registration for the same opportunity conflicts with.</summary>
    public static readonly IReadOnlyList<string> Open = [Submitted, ComplianceReview, Approved];
    /// <summary>Still in the pipeline (open, or returned to the registrant for more information).</summary>
    public static readonly IReadOnlyList<string> InPipeline = [Submitted, ComplianceReview, Approved, Returned];
    /// <summary>Ended for good.</summary>
    public static readonly IReadOnlyList<string> Closed = [Rejected, Won, Lost, Expired];
}

/// <summary>One product line of a registration: a SKU or a product family, the quantity and the amount.</summary>
public sealed record DealLine
{
    public string? Sku { get; init; }
    public required string ProductFamily { get; init; }
    public required decimal Quantity { get; init; }
    public required decimal Amount { get; init; }
}

/// <summary>The state of a deal registration that every deal event carries, so readers can upsert from any one.</summary>
public sealed record DealState
{
    public required string Status { get; init; }
    public required Guid PartnerId { get; init; }
    public Guid? DistributorId { get; init; }
    public required string CustomerName { get; init; }
    public string? CustomerDomain { get; init; }
    public required string CustomerCountry { get; init; }
    public required string CustomerRegion { get; init; }
    public required string CustomerSector { get; init; }
    /// <summary>The end customer's type (<c>CustomerTypes</c>); the sector is derived from it.</summary>
    public string? CustomerType { get; init; }
    /// <summary>Where the money comes from (<c>FundingSources</c>).</summary>
    public string? FundingSource { get; init; }
    /// <summary>The version of the public-sector statement the registrant attested to, when one was needed.</summary>
    public string? AttestationVersion { get; init; }
    /// <summary>Where compliance screening stands: pending, clear, review or block.</summary>
    public string? Screening { get; init; }
    public required IReadOnlyList<string> ProductFamilies { get; init; }
    public IReadOnlyList<DealLine>? Lines { get; init; }
    public required decimal TotalValue { get; init; }
    public required string Currency { get; init; }
    public required DateOnly ExpectedClose { get; init; }
    /// <summary>The vendor the customer buys from today, when the registrant named one.</summary>
    public string? IncumbentVendor { get; init; }
    public required DateTimeOffset SubmittedAt { get; init; }
    public DateTimeOffset? ApprovedAt { get; init; }
    /// <summary>Who approved it (a price authorization above the threshold needs a second, other approver).</summary>
    public string? ApprovedBy { get; init; }
    public DateTimeOffset? ProtectionEndsAt { get; init; }
    public int ExtensionsUsed { get; init; }
    public DateTimeOffset? ExtensionRequestedAt { get; init; }
    public DateTimeOffset? SlaDueAt { get; init; }
    public bool Overdue { get; init; }
    public decimal? ActualAmount { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
}

/// <summary>
/// Every deal event: the deal, its new version and its state at that version. A reader that only
/// keeps deals' state consumes this one interface.
/// </summary>
public interface IDealEvent
{
    Guid DealId { get; }
    int Version { get; }
    DateTimeOffset OccurredAt { get; }
    DealState Deal { get; }
}

public sealed record DealRegistered : IDealEvent
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required DealState Deal { get; init; }
    public int ConflictCount { get; init; }
    public string? ComplianceReason { get; init; }
}

public sealed record DealApproved : IDealEvent
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required DealState Deal { get; init; }
}

public sealed record DealRejected : IDealEvent
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required string Reason { get; init; }
    public required DealState Deal { get; init; }
}

public sealed record DealReturned : IDealEvent
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required string Reason { get; init; }
    public required DealState Deal { get; init; }
}

/// <summary>The registrant edited a returned registration (customer, lines, value, close date) before resubmitting it.</summary>
public sealed record DealEdited : IDealEvent
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required DealState Deal { get; init; }
}

public sealed record DealResubmitted : IDealEvent
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required DealState Deal { get; init; }
    public int ConflictCount { get; init; }
    public string? ComplianceReason { get; init; }
}

/// <summary>
/// Compliance screened the registration (or screened it again, or an officer decided): its screening is now
/// <see cref="Outcome"/>; a hold moves a deal awaiting a decision to compliance review, a refusal rejects it, a
/// clearance sends it back to the normal queue.
/// </summary>
public sealed record DealScreened : IDealEvent
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required DealState Deal { get; init; }
    public required string Outcome { get; init; }
    public required string Reason { get; init; }
    public string? Citation { get; init; }
}

/// <summary>The registrant asked for its protection to be extended; a channel manager decides.</summary>
public sealed record DealExtensionRequested : IDealEvent
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required string Reason { get; init; }
    public required DealState Deal { get; init; }
}

public sealed record DealExtended : IDealEvent
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required DealState Deal { get; init; }
}

public sealed record DealWon : IDealEvent
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    /// <summary>"registrant", "channel-manager" or "sell-through:&lt;rule&gt;".</summary>
    public required string Source { get; init; }
    public required DealState Deal { get; init; }
}

/// <summary>More sell-through was linked to a deal won by sell-through: its actual amount is what has sold so far.</summary>
public sealed record DealActualAmountRevised : IDealEvent
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required decimal PreviousAmount { get; init; }
    public required DealState Deal { get; init; }
}

public sealed record DealLost : IDealEvent
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required string Reason { get; init; }
    public required DealState Deal { get; init; }
}

public sealed record DealExpired : IDealEvent
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required DealState Deal { get; init; }
}

public sealed record DealApprovalOverdue : IDealEvent
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required DealState Deal { get; init; }
}

/// <summary>The deal's current state, published again on an operator's request; readers apply it by version.</summary>
public sealed record DealStateReplayed : IDealEvent
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required DealState Deal { get; init; }
}

/// <summary>One sell-through line linked to a deal registration.</summary>
public sealed record LinkedSellThroughLine
{
    public required int LineNumber { get; init; }
    public required DateOnly InvoiceDate { get; init; }
    public required decimal Amount { get; init; }
    public required string Rule { get; init; }
}

/// <summary>
/// Sell-through lines of one report batch were linked to a deal (by the deal id they named, or by
/// reseller + customer + product family): the registered share of what sold. One event per deal and
/// report batch, so a reader that adds it up keys what it added by (deal, report, batch).
/// </summary>
public sealed record SellThroughLinked
{
    public required Guid DealId { get; init; }
    public required Guid PartnerId { get; init; }
    public required Guid ReportId { get; init; }
    public int Batch { get; init; }
    public required Guid DistributorId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required IReadOnlyList<LinkedSellThroughLine> Lines { get; init; }
}
