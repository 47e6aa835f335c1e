namespace Channel.Contracts.Deals;

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
    public required IReadOnlyList<string> ProductFamilies { get; init; }
    public required decimal TotalValue { get; init; }
    public required string Currency { get; init; }
    public required DateOnly ExpectedClose { get; init; }
    public required DateTimeOffset SubmittedAt { get; init; }
    public DateTimeOffset? ApprovedAt { get; init; }
    public DateTimeOffset? ProtectionEndsAt { get; init; }
    public DateTimeOffset? SlaDueAt { get; init; }
    public bool Overdue { get; init; }
    public decimal? ActualAmount { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
}

public sealed record DealRegistered
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required DealState Deal { get; init; }
    public int ConflictCount { get; init; }
    public string? ComplianceReason { get; init; }
}

public sealed record DealApproved
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required DealState Deal { get; init; }
}

public sealed record DealRejected
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required string Reason { get; init; }
    public required DealState Deal { get; init; }
}

public sealed record DealReturned
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required string Reason { get; init; }
    public required DealState Deal { get; init; }
}

public sealed record DealResubmitted
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required DealState Deal { get; init; }
}

public sealed record DealExtended
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required DealState Deal { get; init; }
}

public sealed record DealWon
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    /// <summary>"registrant", "channel-manager" or "sell-through" (with the rule that matched).</summary>
    public required string Source { get; init; }
    public required DealState Deal { get; init; }
}

public sealed record DealLost
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required string Reason { get; init; }
    public required DealState Deal { get; init; }
}

public sealed record DealExpired
{
    public required Guid DealId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required DealState Deal { get; init; }
}

public sealed record DealApprovalOverdue
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
/// reseller + customer + product family): the registered share of what sold.
/// </summary>
public sealed record SellThroughLinked
{
    public required Guid DealId { get; init; }
    public required Guid PartnerId { get; init; }
    public required Guid ReportId { get; init; }
    public required Guid DistributorId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required IReadOnlyList<LinkedSellThroughLine> Lines { get; init; }
}
