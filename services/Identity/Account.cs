using Channel.Contracts.Identity;

namespace Channel.Identity;

public static class AccountStatus
{
    /// <summary>Created, waiting for its first password (from the invitation's link).</summary>
    public const string Invited = "invited";
    public const string Enabled = "enabled";
    /// <summary>Turned off by an admin; may be enabled again.</summary>
    public const string Disabled = "disabled";
    /// <summary>The partner's or distributor's user was removed: the row stays, so a late event changes nothing.</summary>
    public const string Removed = "removed";
}

public static class OrganisationKind
{
    public const string Partner = "partner";
    public const string Distributor = "distributor";
}

/// <summary>One person who may sign in.</summary>
public sealed class Account
{
    public Guid Id { get; set; }
    public string Email { get; set; } = "";
    public string Name { get; set; } = "";
    public string Role { get; set; } = "";
    public string? OrganisationRole { get; set; }
    public Guid? PartnerId { get; set; }
    public Guid? DistributorId { get; set; }
    public string Status { get; set; } = "";
    public string? PasswordHash { get; set; }
    public DateTimeOffset? PasswordChangedAt { get; set; }
    public string SecurityStamp { get; set; } = "";
    public int FailedSignIns { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public string? TotpSecret { get; set; }
    public DateTimeOffset? TotpEnabledAt { get; set; }
    public long? TotpLastStep { get; set; }
    public string? ExternalIssuer { get; set; }
    public string? ExternalSubject { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
    public int SourceVersion { get; set; }
    /// <summary>Whether the partner or distributor is active (always true for staff), read with the account.</summary>
    public bool OrganisationActive { get; set; } = true;
    public string? OrganisationName { get; set; }

    public bool IsStaff => PartnerId is null && DistributorId is null;
    public bool TwoFactorEnabled => TotpEnabledAt is not null;
    public bool LockedAt(DateTimeOffset now) => LockedUntil is { } until && until > now;

    public AccountState State() => new()
    {
        Email = Email,
        Name = Name,
        Role = Role,
        PartnerId = PartnerId,
        DistributorId = DistributorId,
        Status = Status,
    };
}
