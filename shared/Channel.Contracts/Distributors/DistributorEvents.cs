namespace Channel.Contracts.Distributors;

public static class DistributorStatus
{
    /// <summary>Serves its resellers: registers deals, reports sell-through; its users sign in.</summary>
    public const string Active = "active";
    /// <summary>Stopped for now (a lapsed agreement, an audit): nothing is registered, reported or signed in; it may be reinstated.</summary>
    public const string Suspended = "suspended";
    /// <summary>No longer a distributor of the vendor's; for good.</summary>
    public const string Terminated = "terminated";
}

/// <summary>A distributor's state at one version: the countries and regions it serves, and whether it is active.</summary>
public sealed record DistributorState
{
    public required string Name { get; init; }
    public required IReadOnlyList<string> Countries { get; init; }
    public required IReadOnlyList<string> Regions { get; init; }
    /// <summary>Active, suspended or terminated (events from before distributors had a status say nothing: active).</summary>
    public string Status { get; init; } = DistributorStatus.Active;
}

/// <summary>Every distributor event: the distributor, its new version and its state at that version.</summary>
public interface IDistributorEvent
{
    Guid DistributorId { get; }
    int Version { get; }
    DateTimeOffset OccurredAt { get; }
    DistributorState Distributor { get; }
}

public sealed record DistributorOnboarded : IDistributorEvent
{
    public required Guid DistributorId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required DistributorState Distributor { get; init; }
}

/// <summary>One of a distributor's users (who signs in for it and hears about its reports and authorizations).</summary>
public sealed record DistributorUser
{
    public required Guid UserId { get; init; }
    public required string Name { get; init; }
    public required string Email { get; init; }
    public required string Role { get; init; }
}

/// <summary>A user was added to a distributor (by its own users or a channel manager).</summary>
public sealed record DistributorUserAdded : IDistributorEvent
{
    public required Guid DistributorId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required DistributorUser User { get; init; }
    public required DistributorState Distributor { get; init; }
}

/// <summary>A distributor user's role changed; <see cref="User"/> carries the new role.</summary>
public sealed record DistributorUserRoleChanged : IDistributorEvent
{
    public required Guid DistributorId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required DistributorUser User { get; init; }
    public required string PreviousRole { get; init; }
    public required DistributorState Distributor { get; init; }
}

/// <summary>A user was removed from a distributor: it no longer signs in for it nor hears about it.</summary>
public sealed record DistributorUserRemoved : IDistributorEvent
{
    public required Guid DistributorId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required DistributorUser User { get; init; }
    public required DistributorState Distributor { get; init; }
}

/// <summary>A channel manager suspended, reinstated or terminated a distributor, with the reason.</summary>
public sealed record DistributorStatusChanged : IDistributorEvent
{
    public required Guid DistributorId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required DistributorState Distributor { get; init; }
    public required string PreviousStatus { get; init; }
    public string? Reason { get; init; }
}

/// <summary>The distributor's current state, published again on an operator's request.</summary>
public sealed record DistributorStateReplayed : IDistributorEvent
{
    public required Guid DistributorId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required DistributorState Distributor { get; init; }
    /// <summary>The distributor's users at this version (a reader that starts late learns them here; one not listed is not a user).</summary>
    public IReadOnlyList<DistributorUser>? Users { get; init; }
}

/// <summary>
/// Whether a distributor may serve a partner, and in which regions. The authorization (one per
/// distributor and partner) is the aggregate: its version orders the events about it.
/// </summary>
public sealed record ResellerAuthorizationState
{
    public required Guid DistributorId { get; init; }
    public required Guid PartnerId { get; init; }
    public required IReadOnlyList<string> Regions { get; init; }
    public required bool Active { get; init; }
    /// <summary>
    /// The distributor's and the partner's names as the Distributors service knew them at this version, so a reader that
    /// hears of the authorization before it hears of either can still name them (null where it did not know them).
    /// </summary>
    public string? DistributorName { get; init; }
    public string? PartnerName { get; init; }
}

/// <summary>Every authorization event: the authorization, its new version and its state at that version.</summary>
public interface IResellerAuthorizationEvent
{
    Guid AuthorizationId { get; }
    int Version { get; }
    DateTimeOffset OccurredAt { get; }
    ResellerAuthorizationState Authorization { get; }
}

/// <summary>A distributor may now serve a partner in these regions (first granted, regions changed, or restored).</summary>
public sealed record ResellerAuthorized : IResellerAuthorizationEvent
{
    public required Guid AuthorizationId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required ResellerAuthorizationState Authorization { get; init; }
}

public sealed record ResellerAuthorizationRevoked : IResellerAuthorizationEvent
{
    public required Guid AuthorizationId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required string Reason { get; init; }
    public required ResellerAuthorizationState Authorization { get; init; }
}

/// <summary>The authorization's current state, published again on an operator's request.</summary>
public sealed record ResellerAuthorizationStateReplayed : IResellerAuthorizationEvent
{
    public required Guid AuthorizationId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required ResellerAuthorizationState Authorization { get; init; }
}

/// <summary>The sell-through transaction types of X12 867.</summary>
public static class SellThroughTransaction
{
    public const string Sale = "sale";
    public const string Return = "return";
    public const string Adjustment = "adjustment";
    public static readonly IReadOnlyList<string> All = [Sale, Return, Adjustment];
}

/// <summary>One line of a sell-through (point-of-sale) report, after X12 867.</summary>
public sealed record SellThroughLine
{
    public required int LineNumber { get; init; }
    public required string InvoiceNumber { get; init; }
    public required DateOnly InvoiceDate { get; init; }
    public required string TransactionType { get; init; }
    public required Guid ResellerId { get; init; }
    public required string EndCustomerName { get; init; }
    public string? EndCustomerDomain { get; init; }
    public required string EndCustomerCountry { get; init; }
    public string? EndCustomerRegion { get; init; }
    public string? EndCustomerPostalCode { get; init; }
    public required string VendorSku { get; init; }
    public required decimal Quantity { get; init; }
    public required decimal UnitPrice { get; init; }
    public required decimal ExtendedAmount { get; init; }
    public required string Currency { get; init; }
    public Guid? DealId { get; init; }
}

/// <summary>
/// Accepted lines of a sell-through report, in batches (a large report is many messages, each a
/// comfortable size). Batch numbers run from 1 to BatchCount; a batch's lines never change, so a
/// reader that adds them up keys what it added by (report, batch). A replay sends the same batches.
/// </summary>
public sealed record SellThroughReported
{
    public required Guid ReportId { get; init; }
    public required Guid DistributorId { get; init; }
    public required string ReportNumber { get; init; }
    public required DateOnly PeriodStart { get; init; }
    public required DateOnly PeriodEnd { get; init; }
    public required int Batch { get; init; }
    public required int BatchCount { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required IReadOnlyList<SellThroughLine> Lines { get; init; }
}

/// <summary>One line of a sell-through report that was refused, and why.</summary>
public sealed record SellThroughRejection
{
    public required int LineNumber { get; init; }
    public required string Field { get; init; }
    public required string Reason { get; init; }
}

/// <summary>
/// A sell-through report was received and processed: its counts, and its first rejected lines
/// (<see cref="MaxRejections"/> at most; <see cref="RejectionsTruncated"/> says when there were more:
/// the report's own rejections endpoint has them all). Published once, when the report is uploaded.
/// </summary>
public sealed record SellThroughReportProcessed
{
    public const int MaxRejections = 1000;

    public required Guid ReportId { get; init; }
    public required Guid DistributorId { get; init; }
    public required string ReportNumber { get; init; }
    public required DateOnly PeriodStart { get; init; }
    public required DateOnly PeriodEnd { get; init; }
    public required string ReceivedBy { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required int TotalLines { get; init; }
    public required int AcceptedLines { get; init; }
    public required int RejectedLines { get; init; }
    public required decimal AcceptedAmount { get; init; }
    public required IReadOnlyList<SellThroughRejection> Rejections { get; init; }
    public bool RejectionsTruncated { get; init; }
}
