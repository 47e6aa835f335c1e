namespace Channel.Contracts.Partners;

/// <summary>The partner statuses every service may see in <see cref="PartnerState.Status"/>.</summary>
public static class PartnerStatus
{
    public const string Applied = "applied";
    public const string OnHold = "on_hold";
    public const string Active = "active";
    public const string Rejected = "rejected";
    public const string Suspended = "suspended";
    public const string Terminated = "terminated";
    public static readonly IReadOnlyList<string> All = [Applied, OnHold, Active, Rejected, Suspended, Terminated];
}

/// <summary>The program's tiers, lowest first.</summary>
public static class PartnerTier
{
    public const string Registered = "registered";
    public const string Silver = "silver";
    public const string Gold = "gold";
    public const string Platinum = "platinum";
    public static readonly IReadOnlyList<string> All = [Registered, Silver, Gold, Platinum];
}

/// <summary>
/// A partner's public state at one version: what every partner event carries, so a reader can
/// upsert from any one of them and keep the highest version it has seen.
/// </summary>
public sealed record PartnerState
{
    public required string LegalName { get; init; }
    public required string Country { get; init; }
    public required string Region { get; init; }
    public required string WebsiteDomain { get; init; }
    public required string PartnerType { get; init; }
    public required string Status { get; init; }
    public string? Tier { get; init; }
    public required DateTimeOffset AppliedAt { get; init; }
    /// <summary>
    /// The version at which the partner last became active (approved or reinstated); null if never.
    /// A reader that kept something granted at an earlier version of an active partner knows the
    /// partner was suspended or terminated in between, even if it never saw that event.
    /// </summary>
    public int? ActiveSinceVersion { get; init; }
}

/// <summary>
/// Every partner event: the partner, its new version and its state at that version. A reader that
/// only keeps the partner's state consumes this one interface (MassTransit routes every event that
/// implements it to that reader's queue).
/// </summary>
public interface IPartnerEvent
{
    Guid PartnerId { get; }
    int Version { get; }
    DateTimeOffset OccurredAt { get; }
    PartnerState Partner { get; }
}

/// <summary>The person who applied for a partner: they hear what became of the application before the partner has users.</summary>
public sealed record PartnerContact
{
    public required string Name { get; init; }
    public required string Email { get; init; }
}

/// <summary>A partner organisation applied to join the channel.</summary>
public sealed record PartnerApplied : IPartnerEvent
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required PartnerState Partner { get; init; }
    public PartnerContact? Contact { get; init; }
}

/// <summary>
/// Held: the application looks like an existing partner (a channel manager clears it), or the Compliance service's
/// screening holds the application or the live partner (a compliance officer clears it there). A partner on hold
/// registers nothing and is sold nothing at special prices.
/// </summary>
public sealed record PartnerPlacedOnHold : IPartnerEvent
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required string Reason { get; init; }
    public required PartnerState Partner { get; init; }
}

/// <summary>A hold was cleared: the application is back in review, or the partner that was active is active again.</summary>
public sealed record PartnerHoldCleared : IPartnerEvent
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required string Reason { get; init; }
    public required PartnerState Partner { get; init; }
}

/// <summary>The Compliance service's decision on the partner, where it changed nothing else (a hold comes as <see cref="PartnerPlacedOnHold"/>).</summary>
public sealed record PartnerScreened : IPartnerEvent
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    /// <summary>clear, review or block (<c>ScreeningOutcome</c>).</summary>
    public required string Outcome { get; init; }
    public required string Reason { get; init; }
    public required PartnerState Partner { get; init; }
}

public sealed record PartnerApproved : IPartnerEvent
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required PartnerState Partner { get; init; }
    public PartnerContact? Contact { get; init; }
}

public sealed record PartnerRejected : IPartnerEvent
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required string Reason { get; init; }
    public required PartnerState Partner { get; init; }
    public PartnerContact? Contact { get; init; }
}

public sealed record PartnerSuspended : IPartnerEvent
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required string Reason { get; init; }
    public required PartnerState Partner { get; init; }
}

public sealed record PartnerReinstated : IPartnerEvent
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public string? Reason { get; init; }
    public required PartnerState Partner { get; init; }
}

public sealed record PartnerTerminated : IPartnerEvent
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required string Reason { get; init; }
    public required PartnerState Partner { get; init; }
}

public sealed record PartnerTierChanged : IPartnerEvent
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required string Reason { get; init; }
    public required string PreviousTier { get; init; }
    public required PartnerState Partner { get; init; }
}

/// <summary>One of a partner's users (who signs in for it and hears about its deals).</summary>
public sealed record PartnerUser
{
    public required Guid UserId { get; init; }
    public required string Name { get; init; }
    public required string Email { get; init; }
    public required string Role { get; init; }
}

/// <summary>A user was added to a partner (by the partner's own admin or a channel manager).</summary>
public sealed record PartnerUserAdded : IPartnerEvent
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required PartnerUser User { get; init; }
    public required PartnerState Partner { get; init; }
}

/// <summary>A partner user's role changed; <see cref="User"/> carries the new role.</summary>
public sealed record PartnerUserRoleChanged : IPartnerEvent
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required PartnerUser User { get; init; }
    public required string PreviousRole { get; init; }
    public required PartnerState Partner { get; init; }
}

/// <summary>A user was removed from a partner: it no longer signs in for it nor hears about it.</summary>
public sealed record PartnerUserRemoved : IPartnerEvent
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required PartnerUser User { get; init; }
    public required PartnerState Partner { get; init; }
}

/// <summary>
/// The partner's current state, published again on an operator's request (a reader that started
/// late, or lost its copy, catches up). Readers apply it like any other partner event: by version.
/// </summary>
public sealed record PartnerStateReplayed : IPartnerEvent
{
    public required Guid PartnerId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required PartnerState Partner { get; init; }
    /// <summary>The partner's users at this version (a reader that starts late learns them here; one not listed is not a user).</summary>
    public IReadOnlyList<PartnerUser>? Users { get; init; }
}
