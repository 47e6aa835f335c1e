using System.Text.Json.Serialization;
using Channel.Contracts.Compliance;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Messaging;

namespace Channel.Partners;

public static class PartnerTypes
{
    public static readonly string[] All = ["var", "msp", "si", "reseller"];
}

/// <summary>
/// What a distributor sees of a partner it serves: who it is and where it stands in the program, not
/// its tax id, contacts, agreement or the reasons behind its status.
/// </summary>
public sealed record PartnerSummary(Guid Id, string LegalName, string Country, string Region, string WebsiteDomain, string PartnerType,
    string Status, string? Tier)
{
    public static PartnerSummary Of(Partner p) => new(p.Id, p.LegalName, p.Country, p.Region, p.WebsiteDomain, p.PartnerType, p.Status, p.Tier);
}

/// <summary>
/// A partner organisation, as stored and as the API shows it, and its whole lifecycle: each
/// transition takes the current state and returns the next one with the event that announces it, or
/// a refusal. <see cref="Partners.Commit"/> is the only way a change is saved.
/// <code>
/// applied ──approve──▶ active ◀──reinstate── suspended
///   │  ▲                 │  └──suspend──────────▲
///   │  └clear hold─ on_hold ◀─compliance hold─┘ (and back when compliance clears it)
///   │                                          any live state ──terminate──▶ terminated
///   └──reject──▶ rejected ◀──reject── on_hold
/// </code>
/// The Compliance service screens every application and live partner; its decisions arrive in the order it made them.
/// </summary>
public sealed record Partner
{
    public Guid Id { get; init; }
    public string LegalName { get; init; } = "";
    [JsonIgnore] public string NormalizedName { get; init; } = "";
    public string Country { get; init; } = "";
    public string Region { get; init; } = "";
    public string WebsiteDomain { get; init; } = "";
    [JsonIgnore] public string DomainSkeleton { get; init; } = "";
    public string? TaxId { get; init; }
    [JsonIgnore] public string? TaxIdKey { get; init; }
    public string PartnerType { get; init; } = "";
    public string ContactName { get; init; } = "";
    public string ContactEmail { get; init; } = "";
    public string AgreementVersion { get; init; } = "";
    public string Status { get; init; } = "";
    public string? Tier { get; init; }
    public string? HoldReason { get; init; }
    /// <summary>Why the application looks like an existing partner, while that hold stands (a channel manager's to clear).</summary>
    [JsonIgnore] public string? LookAlikeReason { get; init; }
    public string? StatusReason { get; init; }
    public DateTimeOffset AppliedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public int Version { get; init; }
    [JsonIgnore] public int? ActiveSinceVersion { get; init; }
    /// <summary>The Compliance service's latest decision: pending (an application not screened yet), clear, review or block.</summary>
    public string Screening { get; init; } = ScreeningOutcome.Clear;
    /// <summary>Why compliance holds it, as a manager may read it (the evidence stays with compliance officers).</summary>
    public string? ScreeningReason { get; init; }
    [JsonIgnore] public long ScreeningSequence { get; init; }

    /// <summary>The version the next change gets (the commit path adds one, always).</summary>
    int Next => Version + 1;

    public PartnerState State() => new()
    {
        LegalName = LegalName,
        Country = Country,
        Region = Region,
        WebsiteDomain = WebsiteDomain,
        PartnerType = PartnerType,
        Status = Status,
        Tier = Tier,
        AppliedAt = AppliedAt,
        ActiveSinceVersion = ActiveSinceVersion,
    };

    static readonly string[] Live = [PartnerStatus.Applied, PartnerStatus.OnHold, PartnerStatus.Active, PartnerStatus.Suspended];

    /// <summary>An application, received: the partner's first version.</summary>
    public static PartnerApplied Applied(Partner p, string actor) => new()
    {
        PartnerId = p.Id,
        Version = p.Version,
        OccurredAt = p.UpdatedAt,
        Actor = actor,
        Partner = p.State(),
        Contact = p.Contact(),
    };

    /// <summary>Who applied, for the events that tell them what became of it.</summary>
    public PartnerContact Contact() => new() { Name = ContactName, Email = ContactEmail };

    /// <summary>The application looks like an existing partner: it waits for a channel manager.</summary>
    public Outcome<Partner> PlaceOnHold(string reason) => Status == PartnerStatus.Applied
        ? new Moved<Partner>(this with { Status = PartnerStatus.OnHold, HoldReason = reason, LookAlikeReason = reason }, "placed_on_hold",
            (p, v) => new PartnerPlacedOnHold { PartnerId = Id, Version = v, OccurredAt = p.UpdatedAt, Actor = "screening", Reason = reason, Partner = p.State() },
            reason, new { status = PartnerStatus.OnHold })
        : Refuse("placed on hold");

    bool HeldByCompliance => Screening is ScreeningOutcome.Review or ScreeningOutcome.Block;

    public Outcome<Partner> ClearHold(string reason, Caller by) => Status == PartnerStatus.OnHold && HeldByCompliance
        ? new Refused<Partner>(Status, "Compliance screening holds this partner.",
            $"{ScreeningReason}. A compliance officer decides in the compliance queue.")
        : Status == PartnerStatus.OnHold
        ? new Moved<Partner>(this with { Status = PartnerStatus.Applied, HoldReason = null, LookAlikeReason = null }, "hold_cleared",
            (p, v) => new PartnerHoldCleared { PartnerId = Id, Version = v, OccurredAt = p.UpdatedAt, Actor = by.Subject, Reason = reason, Partner = p.State() },
            reason, new { status = PartnerStatus.Applied })
        : Refuse("cleared of a hold");

    /// <summary>
    /// The Compliance service's decision (an older one than applied is refused and changes nothing). A hold puts an
    /// application or an active partner on hold; compliance clearing its own hold puts the partner back where it was
    /// (in review, or active), unless a look-alike hold also stands (a manager clears that one). Any other decision is
    /// recorded and announced.
    /// </summary>
    public Outcome<Partner> Screened(string outcome, string reason, long sequence, string actor)
    {
        if (sequence <= ScreeningSequence)
            return new Refused<Partner>(Status, "An older screening decision.", $"Screening {sequence} is not newer than {ScreeningSequence}.");
        var holds = outcome is ScreeningOutcome.Review or ScreeningOutcome.Block;
        var next = this with { Screening = outcome, ScreeningReason = holds ? reason : null, ScreeningSequence = sequence };
        if (holds && Status is PartnerStatus.Applied or PartnerStatus.Active)
            return new Moved<Partner>(next with { Status = PartnerStatus.OnHold, HoldReason = reason }, "placed_on_hold",
                (p, v) => new PartnerPlacedOnHold { PartnerId = Id, Version = v, OccurredAt = p.UpdatedAt, Actor = actor, Reason = reason, Partner = p.State() },
                reason, new { status = new { from = Status, to = PartnerStatus.OnHold }, screening = outcome });
        // Compliance cleared its hold, but the application still looks like an existing partner: a manager's hold remains.
        if (!holds && Status == PartnerStatus.OnHold && HeldByCompliance && LookAlikeReason is not null)
            return new Moved<Partner>(next with { HoldReason = LookAlikeReason }, "screened",
                (p, v) => new PartnerScreened { PartnerId = Id, Version = v, OccurredAt = p.UpdatedAt, Actor = actor, Outcome = outcome, Reason = reason, Partner = p.State() },
                null, new { screening = outcome, stillHeld = LookAlikeReason });
        if (!holds && Status == PartnerStatus.OnHold && HeldByCompliance)
        {
            var back = ActiveSinceVersion is null ? PartnerStatus.Applied : PartnerStatus.Active;
            // A hold paused the partner's distributor authorizations rather than ending them (its active span goes on).
            return new Moved<Partner>(next with { Status = back, HoldReason = null },
                "hold_cleared",
                (p, v) => new PartnerHoldCleared { PartnerId = Id, Version = v, OccurredAt = p.UpdatedAt, Actor = actor, Reason = reason, Partner = p.State() },
                reason, new { status = new { from = Status, to = back }, screening = outcome });
        }
        return new Moved<Partner>(next, "screened",
            (p, v) => new PartnerScreened { PartnerId = Id, Version = v, OccurredAt = p.UpdatedAt, Actor = actor, Outcome = outcome, Reason = reason, Partner = p.State() },
            holds ? reason : null, new { screening = outcome });
    }

    public Outcome<Partner> Approve(string tier, Caller by) => Status == PartnerStatus.Applied
        ? new Moved<Partner>(this with { Status = PartnerStatus.Active, Tier = tier, ActiveSinceVersion = Next }, "approved",
            (p, v) => new PartnerApproved { PartnerId = Id, Version = v, OccurredAt = p.UpdatedAt, Actor = by.Subject, Partner = p.State(), Contact = p.Contact() },
            null, new { status = PartnerStatus.Active, tier })
        : Refuse("approved");

    public Outcome<Partner> Reject(string reason, Caller by) => Status is PartnerStatus.Applied or PartnerStatus.OnHold
        ? new Moved<Partner>(this with { Status = PartnerStatus.Rejected, StatusReason = reason, HoldReason = null }, "rejected",
            (p, v) => new PartnerRejected
            {
                PartnerId = Id,
                Version = v,
                OccurredAt = p.UpdatedAt,
                Actor = by.Subject,
                Reason = reason,
                Partner = p.State(),
                Contact = p.Contact()
            },
            reason, new { status = PartnerStatus.Rejected })
        : Refuse("rejected");

    public Outcome<Partner> Suspend(string reason, Caller by) => Status == PartnerStatus.Active
        ? new Moved<Partner>(this with { Status = PartnerStatus.Suspended, StatusReason = reason }, "suspended",
            (p, v) => new PartnerSuspended { PartnerId = Id, Version = v, OccurredAt = p.UpdatedAt, Actor = by.Subject, Reason = reason, Partner = p.State() },
            reason, new { status = PartnerStatus.Suspended })
        : Refuse("suspended");

    public Outcome<Partner> Reinstate(string? reason, Caller by) => Status == PartnerStatus.Suspended && HeldByCompliance
        ? new Refused<Partner>(Status, "Compliance screening holds this partner.",
            $"{ScreeningReason}. It can be reinstated once a compliance officer clears it.")
        : Status == PartnerStatus.Suspended
        ? new Moved<Partner>(this with { Status = PartnerStatus.Active, StatusReason = reason ?? StatusReason, ActiveSinceVersion = Next }, "reinstated",
            (p, v) => new PartnerReinstated { PartnerId = Id, Version = v, OccurredAt = p.UpdatedAt, Actor = by.Subject, Reason = reason, Partner = p.State() },
            reason, new { status = PartnerStatus.Active })
        : Refuse("reinstated");

    public Outcome<Partner> Terminate(string reason, Caller by) => Live.Contains(Status)
        ? new Moved<Partner>(this with { Status = PartnerStatus.Terminated, StatusReason = reason, HoldReason = null }, "terminated",
            (p, v) => new PartnerTerminated { PartnerId = Id, Version = v, OccurredAt = p.UpdatedAt, Actor = by.Subject, Reason = reason, Partner = p.State() },
            reason, new { status = PartnerStatus.Terminated })
        : Refuse("terminated");

    public Outcome<Partner> ChangeTier(string tier, string reason, Caller by)
    {
        if (Status is not (PartnerStatus.Active or PartnerStatus.Suspended)) return Refuse("moved to another tier");
        if (Tier == tier) return new Refused<Partner>(Status, $"The partner is already {tier}.", $"Partner {Id} is {Status} at {tier}.");
        var previous = Tier ?? PartnerTier.Registered;
        return new Moved<Partner>(this with { Tier = tier }, "tier_changed",
            (p, v) => new PartnerTierChanged
            {
                PartnerId = Id,
                Version = v,
                OccurredAt = p.UpdatedAt,
                Actor = by.Subject,
                Reason = reason,
                PreviousTier = previous,
                Partner = p.State(),
            },
            reason, new { tier = new { from = previous, to = tier } });
    }

    /// <summary>A user joins the partner (its record in partner_users is written alongside, in the same transaction).</summary>
    public Outcome<Partner> AddUser(PartnerUser user, Caller by) => Status is not (PartnerStatus.Rejected or PartnerStatus.Terminated)
        ? new Moved<Partner>(this, "user_added",
            (p, v) => new PartnerUserAdded { PartnerId = Id, Version = v, OccurredAt = p.UpdatedAt, Actor = by.Subject, User = user, Partner = p.State() },
            null, new { user = new { id = user.UserId, user.Email, user.Role } })
        : Refuse("given new users");

    /// <summary>A user's role changes (its row in partner_users is updated alongside).</summary>
    public Outcome<Partner> ChangeUserRole(PartnerUser user, string previousRole, Caller by) => Status is not (PartnerStatus.Rejected or PartnerStatus.Terminated)
        ? new Moved<Partner>(this, "user_role_changed",
            (p, v) => new PartnerUserRoleChanged
            {
                PartnerId = Id,
                Version = v,
                OccurredAt = p.UpdatedAt,
                Actor = by.Subject,
                User = user,
                PreviousRole = previousRole,
                Partner = p.State(),
            },
            null, new { user = new { id = user.UserId, user.Email, role = new { from = previousRole, to = user.Role } } })
        : Refuse("given new roles");

    /// <summary>A user leaves the partner (its row in partner_users is deleted alongside; the history keeps who it was).</summary>
    public Outcome<Partner> RemoveUser(PartnerUser user, Caller by) => Status is not (PartnerStatus.Rejected or PartnerStatus.Terminated)
        ? new Moved<Partner>(this, "user_removed",
            (p, v) => new PartnerUserRemoved { PartnerId = Id, Version = v, OccurredAt = p.UpdatedAt, Actor = by.Subject, User = user, Partner = p.State() },
            null, new { user = new { id = user.UserId, user.Email, user.Role } })
        : Refuse("changed");

    Refused<Partner> Refuse(string action) =>
        new(Status, $"A partner that is {Status} cannot be {action}.", $"Partner {Id} is {Status}.");
}
