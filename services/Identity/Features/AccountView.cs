namespace Channel.Identity.Features;

/// <summary>An account as the API shows it: never its password hash, its second factor's secret or its stamp.</summary>
public sealed record AccountView(Guid Id, string Email, string Name, string Role, string? OrganisationRole, Guid? PartnerId, Guid? DistributorId,
    string? OrganisationName, bool OrganisationActive, string Status, bool TwoFactorEnabled, bool Locked, DateTimeOffset? LockedUntil,
    DateTimeOffset? LastSignInAt, DateTimeOffset? PasswordChangedAt, bool SingleSignOn, DateTimeOffset CreatedAt, int Version)
{
    public static AccountView Of(Account a, DateTimeOffset now) => new(a.Id, a.Email, a.Name, a.Role, a.OrganisationRole, a.PartnerId, a.DistributorId,
        a.OrganisationName, a.OrganisationActive, a.Status, a.TwoFactorEnabled, a.LockedAt(now), a.LockedAt(now) ? a.LockedUntil : null,
        a.LastSignInAt, a.PasswordChangedAt, a.ExternalSubject is not null, a.CreatedAt, a.Version);
}
