namespace Channel.Contracts.Partners;

// Every partner event carries the partner's whole public state at its new version, so a reader
// can upsert from any one of them and keep the highest version it has seen.

/// <summary>A partner organisation applied to join the channel (status applied or on_hold).</summary>
public sealed record PartnerApplied
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string LegalName { get; init; }
    public required string Country { get; init; }
    public required string Region { get; init; }
    public required string Domain { get; init; }
    public required string PartnerType { get; init; }
    public required string Status { get; init; }
    public string? Tier { get; init; }
}

/// <summary>Screening matched the restricted-party list; a channel manager must clear the hold.</summary>
public sealed record PartnerPlacedOnHold
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string LegalName { get; init; }
    public required string Country { get; init; }
    public required string Region { get; init; }
    public required string Status { get; init; }
    public required string Reason { get; init; }
    public string? Tier { get; init; }
}

/// <summary>A channel manager cleared a compliance hold; the application is back in review.</summary>
public sealed record PartnerHoldCleared
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string LegalName { get; init; }
    public required string Country { get; init; }
    public required string Region { get; init; }
    public required string Status { get; init; }
    public required string Actor { get; init; }
    public string? Tier { get; init; }
}

public sealed record PartnerApproved
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string LegalName { get; init; }
    public required string Country { get; init; }
    public required string Region { get; init; }
    public required string Status { get; init; }
    public required string Tier { get; init; }
    public required string Actor { get; init; }
}

public sealed record PartnerRejected
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string LegalName { get; init; }
    public required string Country { get; init; }
    public required string Region { get; init; }
    public required string Status { get; init; }
    public required string Reason { get; init; }
    public required string Actor { get; init; }
    public string? Tier { get; init; }
}

public sealed record PartnerSuspended
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string LegalName { get; init; }
    public required string Country { get; init; }
    public required string Region { get; init; }
    public required string Status { get; init; }
    public required string Reason { get; init; }
    public required string Actor { get; init; }
    public string? Tier { get; init; }
}

public sealed record PartnerReinstated
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string LegalName { get; init; }
    public required string Country { get; init; }
    public required string Region { get; init; }
    public required string Status { get; init; }
    public required string Actor { get; init; }
    public string? Reason { get; init; }
    public string? Tier { get; init; }
}

public sealed record PartnerTerminated
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string LegalName { get; init; }
    public required string Country { get; init; }
    public required string Region { get; init; }
    public required string Status { get; init; }
    public required string Reason { get; init; }
    public required string Actor { get; init; }
    public string? Tier { get; init; }
}

public sealed record PartnerTierChanged
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string LegalName { get; init; }
    public required string Country { get; init; }
    public required string Region { get; init; }
    public required string Status { get; init; }
    public required string Tier { get; init; }
    public required string PreviousTier { get; init; }
    public required string Reason { get; init; }
    public required string Actor { get; init; }
}
