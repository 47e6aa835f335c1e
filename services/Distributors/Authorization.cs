using Channel.Contracts.Distributors;
using Channel.Messaging;

namespace Channel.Distributors;

/// <summary>
/// A distributor's authorization to serve a partner in some regions (one per pair), as stored and as
/// the API shows it, and its lifecycle: granted, its regions changed, revoked (or paused while its partner is on hold),
/// restored. Each
/// transition returns the next state with its event, or a refusal; <see cref="Distributors.Commit"/>
/// saves it.
/// </summary>
public sealed record Authorization
{
    public Guid Id { get; init; }
    public Guid DistributorId { get; init; }
    public Guid PartnerId { get; init; }
    public string? PartnerName { get; init; }
    public string? DistributorName { get; init; }
    public string[] Regions { get; init; } = [];
    public bool Active { get; init; }
    public DateTimeOffset AuthorizedAt { get; init; }
    public string AuthorizedBy { get; init; } = "";
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RevokedBy { get; init; }
    public string? RevokeReason { get; init; }
    public int Version { get; init; }
    /// <summary>Ended because its partner went on hold: restored when the partner is active again.</summary>
    public bool PausedByHold { get; init; }
    /// <summary>The partner's version (as this service knew it) when the authorization was last granted.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public int PartnerVersion { get; init; }

    public ResellerAuthorizationState State() => new()
    {
        DistributorId = DistributorId,
        PartnerId = PartnerId,
        Regions = Regions,
        Active = Active,
        DistributorName = DistributorName,
        PartnerName = PartnerName,
    };

    /// <summary>A first authorization, as its first version.</summary>
    public static Authorization New(Guid distributorId, Guid partnerId) => new()
    {
        Id = Guid.CreateVersion7(),
        DistributorId = distributorId,
        PartnerId = partnerId,
        Version = 0,
    };

    /// <summary>Grants (or restores, or changes the regions of) the authorization; refused when it already stands as asked.</summary>
    public Outcome<Authorization> Grant(string[] regions, int partnerVersion, string actor, DateTimeOffset now)
    {
        if (Active && Regions.SequenceEqual(regions))
            return new Refused<Authorization>("active", "The authorization already stands with these regions.");
        var next = this with
        {
            Regions = regions,
            Active = true,
            AuthorizedAt = now,
            AuthorizedBy = actor,
            RevokedAt = null,
            RevokedBy = null,
            RevokeReason = null,
            PausedByHold = false,
            PartnerVersion = partnerVersion,
        };
        return new Moved<Authorization>(next, Version == 0 ? "authorized" : Active ? "regions_changed" : "restored",
            (a, v) => new ResellerAuthorized { AuthorizationId = Id, Version = v, OccurredAt = now, Actor = actor, Authorization = a.State() });
    }

    /// <summary>Ends it; <paramref name="paused"/> when only its partner's hold ends it (it comes back when the hold is cleared).</summary>
    public Outcome<Authorization> Revoke(string reason, string actor, DateTimeOffset now, bool paused = false) => Active
        ? new Moved<Authorization>(this with { Active = false, RevokedAt = now, RevokedBy = actor, RevokeReason = reason, PausedByHold = paused }, "revoked",
            (a, v) => new ResellerAuthorizationRevoked { AuthorizationId = Id, Version = v, OccurredAt = now, Actor = actor, Reason = reason, Authorization = a.State() },
            reason)
        : new Refused<Authorization>("revoked", "The authorization is already revoked.");
}
