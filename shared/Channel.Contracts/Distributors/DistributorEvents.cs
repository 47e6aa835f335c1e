namespace Channel.Contracts.Distributors;

public sealed record DistributorOnboarded
{
    public required Guid DistributorId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Name { get; init; }
    public required IReadOnlyList<string> Countries { get; init; }
    public required IReadOnlyList<string> Regions { get; init; }
}

/// <summary>
/// A distributor may serve a partner in these regions. The authorization (one per distributor and
/// partner) is the aggregate: its version orders the events about it.
/// </summary>
public sealed record ResellerAuthorized
{
    public required Guid AuthorizationId { get; init; }
    public required Guid DistributorId { get; init; }
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required IReadOnlyList<string> Regions { get; init; }
    public string? Actor { get; init; }
}

public sealed record ResellerAuthorizationRevoked
{
    public required Guid AuthorizationId { get; init; }
    public required Guid DistributorId { get; init; }
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Reason { get; init; }
    public string? Actor { get; init; }
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
/// comfortable size). Batch numbers run from 1 to BatchCount.
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
