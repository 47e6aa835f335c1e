namespace Channel.Contracts.Identity;

/// <summary>The roles a token can carry (one per token).</summary>
public static class AccountRoles
{
    public const string ChannelManager = "channel-manager";
    public const string Partner = "partner";
    public const string Distributor = "distributor";
    public const string Leadership = "leadership";
    public const string ComplianceOfficer = "compliance-officer";
    public const string Admin = "admin";
    /// <summary>The vendor's own people, whom an admin creates (partner and distributor users come from their services).</summary>
    public static readonly IReadOnlyList<string> Staff = [ChannelManager, Leadership, ComplianceOfficer, Admin];
}

/// <summary>Every account event: the account, its version, and who it is at that version.</summary>
public interface IAccountEvent
{
    Guid AccountId { get; }
    int Version { get; }
    DateTimeOffset OccurredAt { get; }
    AccountState Account { get; }
}

/// <summary>An account at one version: what a reader (Notifications' recipients) needs to know about the person.</summary>
public sealed record AccountState
{
    public required string Email { get; init; }
    public required string Name { get; init; }
    public required string Role { get; init; }
    public Guid? PartnerId { get; init; }
    public Guid? DistributorId { get; init; }
    /// <summary>invited, enabled, disabled or removed.</summary>
    public required string Status { get; init; }
}

/// <summary>
/// A new account was given a single-use link to set its first password. The link carries the secret
/// (only its hash is kept by Identity): the one reader that may see it is the mail that delivers it.
/// </summary>
public sealed record AccountInvited : IAccountEvent
{
    public required Guid AccountId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required AccountState Account { get; init; }
    /// <summary>The partner's or distributor's name, for the mail ("Join Acme Networks on Channel").</summary>
    public string? OrganisationName { get; init; }
    public required string Link { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>Someone asked to reset the account's password (the person, or an admin for them): a single-use link, as for an invitation.</summary>
public sealed record PasswordResetRequested : IAccountEvent
{
    public required Guid AccountId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required AccountState Account { get; init; }
    public required string Link { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>Too many wrong passwords in a row: the account cannot sign in until <see cref="LockedUntil"/> (the person hears of it).</summary>
public sealed record AccountLockedOut : IAccountEvent
{
    public required Guid AccountId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required AccountState Account { get; init; }
    public required DateTimeOffset LockedUntil { get; init; }
    public string? ClientAddress { get; init; }
}

/// <summary>The account's password was set or changed (the person hears of it, in case it was not them).</summary>
public sealed record AccountPasswordChanged : IAccountEvent
{
    public required Guid AccountId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required AccountState Account { get; init; }
    public required bool FirstPassword { get; init; }
}

/// <summary>An admin disabled or enabled a staff account, or the account was removed with its partner or distributor user.</summary>
public sealed record AccountStatusChanged : IAccountEvent
{
    public required Guid AccountId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required AccountState Account { get; init; }
    public required string PreviousStatus { get; init; }
}

/// <summary>
/// A staff account's role or name set by the staff's own provider at a sign-in there (made at the first one): who
/// hears about what among the vendor's people follows it.
/// </summary>
public sealed record StaffAccountChanged : IAccountEvent
{
    public required Guid AccountId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required AccountState Account { get; init; }
    public string? PreviousRole { get; init; }
}
