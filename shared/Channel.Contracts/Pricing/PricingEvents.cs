namespace Channel.Contracts.Pricing;

/// <summary>The statuses of a price authorization (PA).</summary>
public static class PriceAuthorizationStatus
{
    /// <summary>Its discount is above the threshold: a second channel manager (not the deal's approver) must approve it.</summary>
    public const string PendingApproval = "pending_approval";
    /// <summary>Distributors eligible for it may sell against it and claim.</summary>
    public const string Active = "active";
    /// <summary>Every authorized quantity has been claimed.</summary>
    public const string Consumed = "consumed";
    /// <summary>Its validity (the deal's protection) ended.</summary>
    public const string Expired = "expired";
    /// <summary>Withdrawn: the deal was lost or expired, the partner suspended or terminated, or a manager revoked it.</summary>
    public const string Revoked = "revoked";
    /// <summary>
    /// Compliance holds it (its deal, its partner, or the PA itself): nothing may be sold or claimed against it until compliance
    /// clears every hold, when it goes back to what it was (active or awaiting its second approval).
    /// </summary>
    public const string Suspended = "suspended";
    public static readonly IReadOnlyList<string> All = [PendingApproval, Active, Suspended, Consumed, Expired, Revoked];
    public static readonly IReadOnlyList<string> Closed = [Consumed, Expired, Revoked];
}

/// <summary>One line of a PA: a SKU (or a whole product family), the most that may be claimed, and the prices.</summary>
public sealed record PriceAuthorizationLine
{
    public required int LineNo { get; init; }
    /// <summary>Null when the line covers every SKU of <see cref="ProductFamily"/>.</summary>
    public string? Sku { get; init; }
    public required string ProductFamily { get; init; }
    public required decimal MaxQuantity { get; init; }
    /// <summary>The discount off list price, in percent.</summary>
    public required decimal DiscountPercent { get; init; }
    /// <summary>List price, book cost and authorized net cost of a SKU line (null on a family line: each SKU has its own, in <see cref="Prices"/>).</summary>
    public decimal? ListPrice { get; init; }
    public decimal? BookCost { get; init; }
    public decimal? NetCost { get; init; }
    public required string Currency { get; init; }
    public decimal ClaimedQuantity { get; init; }
    /// <summary>What the registration said the deal line is worth (its amount), which the PA prices at <see cref="NetCost"/>.</summary>
    public decimal RegisteredAmount { get; init; }
    /// <summary>Every SKU the line covers, with its prices as authorized.</summary>
    public required IReadOnlyList<AuthorizedPrice> Prices { get; init; }
}

/// <summary>The prices of one SKU on a PA line, frozen when the PA was issued or revised.</summary>
public sealed record AuthorizedPrice
{
    public required string Sku { get; init; }
    public required decimal ListPrice { get; init; }
    public required decimal BookCost { get; init; }
    public required decimal NetCost { get; init; }
}

/// <summary>The state of a PA at one version: what every PA event carries.</summary>
public sealed record PriceAuthorizationState
{
    public required string Number { get; init; }
    public required Guid DealId { get; init; }
    public required Guid PartnerId { get; init; }
    public required string CustomerName { get; init; }
    public required string CustomerCountry { get; init; }
    public required string CustomerRegion { get; init; }
    public required string Status { get; init; }
    /// <summary>1 when issued; each approved or countered special bid makes the next revision.</summary>
    public required int Revision { get; init; }
    public required string Tier { get; init; }
    public string? IncumbentVendor { get; init; }
    public required DateTimeOffset ValidFrom { get; init; }
    public required DateTimeOffset ValidUntil { get; init; }
    public required string Currency { get; init; }
    /// <summary>(book cost − net cost) × max quantity over every line: what the vendor may be claimed for at most.</summary>
    public required decimal AuthorizedCredit { get; init; }
    /// <summary>The registered amounts of the lines the PA covers.</summary>
    public decimal RegisteredValue { get; init; }
    /// <summary>Those amounts at the authorized net price (each line's amount × net ÷ list, a family line at its SKUs' average).</summary>
    public decimal NetValue { get; init; }
    public required IReadOnlyList<PriceAuthorizationLine> Lines { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RevokedReason { get; init; }
    /// <summary>What holds a suspended PA (<see cref="AuthorizationHolds"/>); empty when nothing does.</summary>
    public IReadOnlyList<string> Holds { get; init; } = [];
    public DateTimeOffset? SuspendedAt { get; init; }
    /// <summary>Why it is suspended, as anyone who sees the PA may read it (the evidence is compliance's).</summary>
    public string? SuspendedReason { get; init; }
}

/// <summary>What a compliance hold on a PA comes from: each is lifted on its own, and the PA resumes when none is left.</summary>
public static class AuthorizationHolds
{
    /// <summary>Compliance holds the PA's deal (its screening went to review after approval).</summary>
    public const string Deal = "deal";
    /// <summary>The PA's partner is on hold.</summary>
    public const string Partner = "partner";
    /// <summary>Compliance holds the PA itself (a SKU it prices, under a rule the deal's own screening did not meet).</summary>
    public const string Authorization = "authorization";
}

/// <summary>Every PA event: the PA, its new version and its state at that version.</summary>
public interface IPriceAuthorizationEvent
{
    Guid AuthorizationId { get; }
    int Version { get; }
    DateTimeOffset OccurredAt { get; }
    PriceAuthorizationState Authorization { get; }
}

/// <summary>An approved deal earned a PA (active, or waiting for a second approval when its discount is above the threshold).</summary>
public sealed record PriceAuthorizationIssued : IPriceAuthorizationEvent
{
    public required Guid AuthorizationId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required PriceAuthorizationState Authorization { get; init; }
}

/// <summary>A second channel manager approved a PA whose discount was above the threshold.</summary>
public sealed record PriceAuthorizationApproved : IPriceAuthorizationEvent
{
    public required Guid AuthorizationId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required PriceAuthorizationState Authorization { get; init; }
}

/// <summary>The deal's protection was extended, and the PA with it.</summary>
public sealed record PriceAuthorizationExtended : IPriceAuthorizationEvent
{
    public required Guid AuthorizationId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required PriceAuthorizationState Authorization { get; init; }
}

/// <summary>A special bid was approved or countered: the PA's lines have new prices (a new revision).</summary>
public sealed record PriceAuthorizationRevised : IPriceAuthorizationEvent
{
    public required Guid AuthorizationId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required PriceAuthorizationState Authorization { get; init; }
    /// <summary>The special bid that made this revision (approved as asked, or countered with other prices).</summary>
    public Guid? SpecialBidId { get; init; }
    public bool Countered { get; init; }
}

/// <summary>One line of a special bid: the deeper net cost asked for one SKU of a PA line.</summary>
public sealed record SpecialBidLine
{
    public required int LineNo { get; init; }
    public required string Sku { get; init; }
    public required decimal RequestedNetCost { get; init; }
}

/// <summary>A special bid: a deeper price asked for on an active PA, against a competitor, with a justification.</summary>
public sealed record SpecialBid
{
    public required Guid BidId { get; init; }
    public required string RequestedBy { get; init; }
    public required string RequestedRole { get; init; }
    public string? Competitor { get; init; }
    public required string Justification { get; init; }
    public required IReadOnlyList<SpecialBidLine> Lines { get; init; }
}

/// <summary>The partner (or a distributor serving it) asked for a deeper price on the PA; a channel manager decides.</summary>
public sealed record SpecialBidRequested : IPriceAuthorizationEvent
{
    public required Guid AuthorizationId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required PriceAuthorizationState Authorization { get; init; }
    public required SpecialBid Bid { get; init; }
}

/// <summary>A channel manager refused a special bid, with the reason; the PA keeps its prices.</summary>
public sealed record SpecialBidRejected : IPriceAuthorizationEvent
{
    public required Guid AuthorizationId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required Guid SpecialBidId { get; init; }
    public required string Reason { get; init; }
    public required PriceAuthorizationState Authorization { get; init; }
}

/// <summary>The PA was withdrawn (deal lost or expired, partner suspended or terminated, or a manager's decision), with the reason.</summary>
public sealed record PriceAuthorizationRevoked : IPriceAuthorizationEvent
{
    public required Guid AuthorizationId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required string Reason { get; init; }
    public required PriceAuthorizationState Authorization { get; init; }
}

/// <summary>
/// Compliance holds the PA: it is suspended until every hold is cleared (<see cref="PriceAuthorizationState.Holds"/>). Also
/// announced when a hold is added to or cleared from a PA that stays suspended.
/// </summary>
public sealed record PriceAuthorizationSuspended : IPriceAuthorizationEvent
{
    public required Guid AuthorizationId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    /// <summary>The hold this event added (or cleared, when <see cref="Cleared"/>).</summary>
    public required string Hold { get; init; }
    public bool Cleared { get; init; }
    public required string Reason { get; init; }
    public required PriceAuthorizationState Authorization { get; init; }
}

/// <summary>Compliance cleared the last hold on a suspended PA: it is what it was before (active, or awaiting its second approval).</summary>
public sealed record PriceAuthorizationResumed : IPriceAuthorizationEvent
{
    public required Guid AuthorizationId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required PriceAuthorizationState Authorization { get; init; }
}

/// <summary>The PA's validity ended.</summary>
public sealed record PriceAuthorizationExpired : IPriceAuthorizationEvent
{
    public required Guid AuthorizationId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required PriceAuthorizationState Authorization { get; init; }
}

/// <summary>Claims reserved or released quantity on the PA's lines (its <see cref="PriceAuthorizationLine.ClaimedQuantity"/> changed; all claimed: consumed).</summary>
public sealed record PriceAuthorizationClaimed : IPriceAuthorizationEvent
{
    public required Guid AuthorizationId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required PriceAuthorizationState Authorization { get; init; }
}

/// <summary>The PA's current state, published again on an operator's request.</summary>
public sealed record PriceAuthorizationStateReplayed : IPriceAuthorizationEvent
{
    public required Guid AuthorizationId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required PriceAuthorizationState Authorization { get; init; }
}

/// <summary>The statuses of a ship-and-debit claim.</summary>
public static class ClaimStatus
{
    /// <summary>Every line has a decision (pending lines wait for their sell-through); lines may be disputed.</summary>
    public const string Validated = "validated";
    /// <summary>A channel manager approved the claim's accepted credit for payment.</summary>
    public const string Approved = "approved";
    /// <summary>Paid: a credit memo was issued.</summary>
    public const string Settled = "settled";
    public static readonly IReadOnlyList<string> All = [Validated, Approved, Settled];
}

/// <summary>The statuses of a claim line (after X12 849).</summary>
public static class ClaimLineStatus
{
    public const string Accepted = "accepted";
    /// <summary>Accepted with another credit than was claimed.</summary>
    public const string Adjusted = "adjusted";
    public const string Rejected = "rejected";
    /// <summary>Waiting for the matching sell-through line.</summary>
    public const string Pending = "pending";
    /// <summary>The distributor disputes the decision; a channel manager resolves it.</summary>
    public const string Disputed = "disputed";
    public static readonly IReadOnlyList<string> All = [Accepted, Adjusted, Rejected, Pending, Disputed];
}

/// <summary>Why a claim line was rejected, adjusted or left pending (after the reason codes of X12 849).</summary>
public static class ClaimReason
{
    public const string UnknownAuthorization = "unknown_authorization";
    public const string AuthorizationNotActive = "authorization_not_active";
    /// <summary>Compliance held the PA on the invoice date (or holds it now): no credit for a sale made against it then.</summary>
    public const string AuthorizationSuspended = "authorization_suspended";
    public const string DistributorNotEligible = "distributor_not_eligible";
    public const string ProductNotAuthorized = "product_not_authorized";
    public const string QuantityExceeded = "quantity_exceeded";
    public const string CostMismatch = "cost_mismatch";
    public const string ResellerMismatch = "reseller_mismatch";
    public const string DuplicateLine = "duplicate_line";
    public const string LateClaim = "late_claim";
    public const string NoSellThrough = "no_sell_through";
    /// <summary>Not a refusal: the claimed amount differs from the authorized credit (line adjusted).</summary>
    public const string AmountAdjusted = "amount_adjusted";
    /// <summary>Not a refusal: waiting for a matching sell-through line.</summary>
    public const string AwaitingSellThrough = "awaiting_sell_through";
    /// <summary>A channel manager accepted a disputed line.</summary>
    public const string ManualOverride = "manual_override";
}

/// <summary>A claim at one version: its counts and credit (the lines themselves are at the service's API).</summary>
public sealed record ClaimState
{
    public required string ClaimNumber { get; init; }
    public required Guid DistributorId { get; init; }
    public required string Status { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required string Currency { get; init; }
    public required int LineCount { get; init; }
    public required int AcceptedLines { get; init; }
    public required int AdjustedLines { get; init; }
    public required int RejectedLines { get; init; }
    public required int PendingLines { get; init; }
    public required int DisputedLines { get; init; }
    public required decimal ClaimedAmount { get; init; }
    /// <summary>The credit of the accepted and adjusted lines.</summary>
    public required decimal AcceptedCredit { get; init; }
    /// <summary>Accepted credit that has no matching sell-through (a manager's override of a disputed line).</summary>
    public required decimal OverrideCredit { get; init; }
    public string? CreditMemo { get; init; }
    public DateTimeOffset? SettledAt { get; init; }
}

/// <summary>One claim line's decision as it changed (the 849 answer of one line).</summary>
public sealed record ClaimLineDecision
{
    public required int LineNo { get; init; }
    public string? PaNumber { get; init; }
    public Guid? AuthorizationId { get; init; }
    public Guid? DealId { get; init; }
    public required string InvoiceNumber { get; init; }
    public required string VendorSku { get; init; }
    public required decimal Quantity { get; init; }
    public required string Status { get; init; }
    public string? Reason { get; init; }
    public required decimal Credit { get; init; }
}

/// <summary>Every claim event: the claim, its new version and its state at that version.</summary>
public interface IClaimEvent
{
    Guid ClaimId { get; }
    int Version { get; }
    DateTimeOffset OccurredAt { get; }
    ClaimState Claim { get; }
}

/// <summary>A distributor's claim was received and each line decided (the first 849 answer).</summary>
public sealed record ClaimReceived : IClaimEvent
{
    public required Guid ClaimId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required ClaimState Claim { get; init; }
    /// <summary>The decision of every line.</summary>
    public required IReadOnlyList<ClaimLineDecision> Lines { get; init; }
}

/// <summary>Lines of a claim were decided again: pending lines whose sell-through arrived (or timed out), a dispute raised or resolved.</summary>
public sealed record ClaimLinesDecided : IClaimEvent
{
    public required Guid ClaimId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required ClaimState Claim { get; init; }
    /// <summary>The lines whose decision changed, as they are now.</summary>
    public required IReadOnlyList<ClaimLineDecision> Lines { get; init; }
}

/// <summary>A channel manager approved the claim for payment.</summary>
public sealed record ClaimApproved : IClaimEvent
{
    public required Guid ClaimId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required ClaimState Claim { get; init; }
}

/// <summary>The claim was paid with a credit memo.</summary>
public sealed record ClaimSettled : IClaimEvent
{
    public required Guid ClaimId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required ClaimState Claim { get; init; }
}

/// <summary>A sale line sold at or below the distributor's book cost with no price authorization behind it.</summary>
public sealed record BelowBookSale
{
    public required int LineNumber { get; init; }
    public required Guid ResellerId { get; init; }
    public required string VendorSku { get; init; }
    public required DateOnly InvoiceDate { get; init; }
    public required decimal Quantity { get; init; }
    public required decimal UnitPrice { get; init; }
    public required decimal BookCost { get; init; }
    public required decimal ExtendedAmount { get; init; }
}

/// <summary>
/// Leakage found in one sell-through batch: sales at or below book cost that no PA covered on their invoice date (a
/// distributor giving away margin it cannot claim, or selling at a special price nobody authorized). One event per
/// report batch that has any, keyed by (report, batch).
/// </summary>
public sealed record SellThroughBelowBookCost
{
    public required Guid ReportId { get; init; }
    public required int Batch { get; init; }
    public required Guid DistributorId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required IReadOnlyList<BelowBookSale> Lines { get; init; }
}
