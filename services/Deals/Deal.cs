using System.Text.Json;
using System.Text.Json.Serialization;
using Channel.Contracts.Compliance;
using Channel.Contracts.Deals;
using Channel.Deals.Rules;
using Channel.Hosting.Auth;
using Channel.Messaging;

namespace Channel.Deals;

public static class Sectors
{
    public static readonly string[] All = ["commercial", "education", "healthcare", "government", "military"];
}

/// <summary>
/// A deal registration as stored and as the API shows it, and its whole lifecycle: each transition
/// takes the current state and returns the next one with the event that announces it, or a refusal.
/// <see cref="Deals.Commit"/> is the only way a change is saved.
/// <code>
/// submitted / compliance_review ──approve──▶ approved ──won / lost / expire──▶ won, lost, expired
///        │  └──reject──▶ rejected                 └──extension request ─▶ extended (once by default)
///        └──return──▶ returned ──edit, resubmit──▶ submitted / compliance_review
/// </code>
/// </summary>
public sealed record Deal
{
    public Guid Id { get; init; }
    public Guid PartnerId { get; init; }
    public Guid? DistributorId { get; init; }
    public string RegisteredBy { get; init; } = "";
    public string CustomerName { get; init; } = "";
    [JsonIgnore] public string CustomerKey { get; init; } = "";
    public string? CustomerDomain { get; init; }
    public string CustomerCountry { get; init; } = "";
    public string CustomerRegion { get; init; } = "";
    public string CustomerSector { get; init; } = "";
    public string? CustomerType { get; init; }
    public string? FundingSource { get; init; }
    public string? AttestationVersion { get; init; }
    public string? AttestedBy { get; init; }
    public DateTimeOffset? AttestedAt { get; init; }
    /// <summary>Compliance's screening: pending until its decision arrives, then clear, review or block.</summary>
    public string Screening { get; init; } = ScreeningOutcome.Clear;
    [JsonIgnore] public long ScreeningSequence { get; init; }
    /// <summary>The version whose content is screened: the registration's first, or the one that resubmitted it.</summary>
    [JsonIgnore] public int ScreeningVersion { get; init; } = 1;
    public string[] ProductFamilies { get; init; } = [];
    public decimal TotalValue { get; init; }
    public string Currency { get; init; } = "";
    public DateOnly ExpectedClose { get; init; }
    public string? Notes { get; init; }
    /// <summary>The vendor the customer buys from today, when the registrant names one (a competitive deal earns a better price).</summary>
    public string? IncumbentVendor { get; init; }
    public string Status { get; init; } = "";
    public string? ComplianceReason { get; init; }
    public string? StatusReason { get; init; }
    public DateTimeOffset SubmittedAt { get; init; }
    public DateTimeOffset? SlaDueAt { get; init; }
    public bool Overdue { get; init; }
    public DateTimeOffset? ApprovedAt { get; init; }
    public string? ApprovedBy { get; init; }
    public DateTimeOffset? ProtectionEndsAt { get; init; }
    public int ExtensionsUsed { get; init; }
    public DateTimeOffset? ExtensionRequestedAt { get; init; }
    public string? ExtensionRequestReason { get; init; }
    public decimal? ActualAmount { get; init; }
    public string? WonSource { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public int Version { get; init; }
    /// <summary>
    /// Only in the answer to a registration: the partner's own open registrations for the same
    /// opportunity (a retry without an Idempotency-Key, a colleague's registration).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<PossibleDuplicate>? PossibleDuplicates { get; init; }
    /// <summary>The product lines as stored with the deal (deal_lines), for the state its events carry.</summary>
    [JsonIgnore] public string LinesJson { get; init; } = "[]";

    static readonly JsonSerializerOptions json = new(JsonSerializerDefaults.Web);

    public IReadOnlyList<DealLine> Lines() => JsonSerializer.Deserialize<List<DealLine>>(LinesJson, json) ?? [];

    public static string LinesOf(IEnumerable<DealLine> lines) => JsonSerializer.Serialize(lines, json);

    public DealState State() => new()
    {
        Status = Status,
        PartnerId = PartnerId,
        DistributorId = DistributorId,
        CustomerName = CustomerName,
        CustomerDomain = CustomerDomain,
        CustomerCountry = CustomerCountry,
        CustomerRegion = CustomerRegion,
        CustomerSector = CustomerSector,
        CustomerType = CustomerType,
        FundingSource = FundingSource,
        AttestationVersion = AttestationVersion,
        Screening = Screening,
        ProductFamilies = ProductFamilies,
        Lines = Lines(),
        TotalValue = TotalValue,
        Currency = Currency,
        ExpectedClose = ExpectedClose,
        IncumbentVendor = IncumbentVendor,
        SubmittedAt = SubmittedAt,
        ApprovedAt = ApprovedAt,
        ApprovedBy = ApprovedBy,
        ProtectionEndsAt = ProtectionEndsAt,
        ExtensionsUsed = ExtensionsUsed,
        ExtensionRequestedAt = ExtensionRequestedAt,
        SlaDueAt = SlaDueAt,
        Overdue = Overdue,
        ActualAmount = ActualAmount,
        ClosedAt = ClosedAt,
    };

    bool AwaitingDecision => Status is DealStatus.Submitted or DealStatus.ComplianceReview;

    /// <summary>Compliance holds it for review (after approval too: its price authorization is suspended meanwhile).</summary>
    bool HeldByCompliance => Screening is ScreeningOutcome.Review or ScreeningOutcome.Block;

    string HeldDetail => $"It is held for compliance review: {ComplianceReason ?? "screening found something"}. A compliance officer decides first.";

    /// <summary>A registration, received: the deal's first version.</summary>
    public DealRegistered Registered(string actor, int conflicts) => new()
    {
        DealId = Id,
        Version = Version,
        OccurredAt = UpdatedAt,
        Actor = actor,
        Deal = State(),
        ConflictCount = conflicts,
        ComplianceReason = ComplianceReason,
    };

    public Outcome<Deal> Approve(Caller by, DateTimeOffset now, int protectionDays, int openConflicts) => !AwaitingDecision
        ? Refuse("approved")
        : Screening == ScreeningOutcome.Pending
        ? Refuse("approved", "Its compliance screening has not finished yet; it is usually done within seconds of registering.")
        : HeldByCompliance
        ? Refuse("approved", HeldDetail)
        : new Moved<Deal>(this with { Status = DealStatus.Approved, ApprovedAt = now, ApprovedBy = by.Subject, ProtectionEndsAt = now.AddDays(protectionDays) }, "approved",
            (d, v) => new DealApproved { DealId = Id, Version = v, OccurredAt = d.UpdatedAt, Actor = by.Subject, Deal = d.State() },
            null, new { status = DealStatus.Approved, protectionEndsAt = now.AddDays(protectionDays), openConflicts });

    public Outcome<Deal> Reject(string reason, Caller by, DateTimeOffset now) => AwaitingDecision
        ? new Moved<Deal>(this with { Status = DealStatus.Rejected, StatusReason = reason, ClosedAt = now }, "rejected",
            (d, v) => new DealRejected { DealId = Id, Version = v, OccurredAt = d.UpdatedAt, Actor = by.Subject, Reason = reason, Deal = d.State() },
            reason, new { status = DealStatus.Rejected })
        : Refuse("rejected");

    public Outcome<Deal> Return(string reason, Caller by) => AwaitingDecision
        ? new Moved<Deal>(this with { Status = DealStatus.Returned, StatusReason = reason }, "returned",
            (d, v) => new DealReturned { DealId = Id, Version = v, OccurredAt = d.UpdatedAt, Actor = by.Subject, Reason = reason, Deal = d.State() },
            reason, new { status = DealStatus.Returned })
        : Refuse("returned");

    /// <summary>The registrant rewrites a returned registration (customer, lines, value, close date, notes).</summary>
    public Outcome<Deal> Edit(Registration form, Caller by, DateTimeOffset now) => Status == DealStatus.Returned
        ? new Moved<Deal>(this with
        {
            CustomerName = form.CustomerName,
            CustomerKey = CustomerNames.Normalize(form.CustomerName),
            CustomerDomain = form.Domain,
            CustomerCountry = form.Country,
            CustomerRegion = form.Region,
            CustomerSector = form.Sector,
            CustomerType = form.CustomerType,
            FundingSource = form.FundingSource,
            AttestationVersion = form.Attestation,
            AttestedBy = form.Attestation is null ? null : by.Subject,
            AttestedAt = form.Attestation is null ? null : now,
            ProductFamilies = form.Families,
            LinesJson = LinesOf(form.Lines),
            TotalValue = form.TotalValue,
            Currency = form.Currency,
            ExpectedClose = form.ExpectedClose,
            Notes = form.Notes,
            IncumbentVendor = form.IncumbentVendor,
        }, "edited",
            (d, v) => new DealEdited { DealId = Id, Version = v, OccurredAt = d.UpdatedAt, Actor = by.Subject, Deal = d.State() },
            null, new { customer = form.CustomerName, totalValue = form.TotalValue })
        : Refuse("edited", "Only a returned registration can be edited.");

    /// <summary>The registrant sends a returned registration back for a decision: screened again by Compliance, with a new SLA.</summary>
    public Outcome<Deal> Resubmit(DateTimeOffset slaDueAt, int conflicts, Caller by)
    {
        if (Status != DealStatus.Returned) return Refuse("resubmitted");
        const string status = DealStatus.Submitted;
        return new Moved<Deal>(this with
        {
            Status = status,
            Screening = ScreeningOutcome.Pending,
            ScreeningVersion = Version + 1,
            ComplianceReason = null,
            StatusReason = null,
            Overdue = false,
            SlaDueAt = slaDueAt,
        },
            "resubmitted",
            (d, v) => new DealResubmitted
            {
                DealId = Id,
                Version = v,
                OccurredAt = d.UpdatedAt,
                Actor = by.Subject,
                Deal = d.State(),
                ConflictCount = conflicts,
            },
            null, new { status, conflicts });
    }

    public Outcome<Deal> RequestExtension(string reason, Caller by, DateTimeOffset now, int maxExtensions)
    {
        if (Status != DealStatus.Approved) return Refuse("extended");
        if (HeldByCompliance) return Refuse("extended", HeldDetail);
        if (ProtectionEndsAt <= now) return Refuse("extended", "Its protection has already ended.");
        if (ExtensionsUsed >= maxExtensions) return Refuse("extended again", $"It has had {ExtensionsUsed} of {maxExtensions} extensions allowed.");
        if (ExtensionRequestedAt is not null) return Refuse("asked for another extension", "An extension request is already pending.");
        return new Moved<Deal>(this with { ExtensionRequestedAt = now, ExtensionRequestReason = reason }, "extension_requested",
            (d, v) => new DealExtensionRequested { DealId = Id, Version = v, OccurredAt = d.UpdatedAt, Actor = by.Subject, Reason = reason, Deal = d.State() },
            reason);
    }

    public Outcome<Deal> GrantExtension(Caller by, int extensionDays)
    {
        if (Status != DealStatus.Approved) return Refuse("extended");
        if (HeldByCompliance) return Refuse("extended", HeldDetail);
        if (ExtensionRequestedAt is null) return Refuse("extended", "No extension was requested.");
        var ends = ProtectionEndsAt!.Value.AddDays(extensionDays);
        return new Moved<Deal>(this with { ProtectionEndsAt = ends, ExtensionsUsed = ExtensionsUsed + 1, ExtensionRequestedAt = null, ExtensionRequestReason = null },
            "extended",
            (d, v) => new DealExtended { DealId = Id, Version = v, OccurredAt = d.UpdatedAt, Actor = by.Subject, Deal = d.State() },
            null, new { protectionEndsAt = ends });
    }

    /// <summary>Closed as won, by its registrant or a channel manager (source "registrant", "channel-manager") or by sell-through ("sell-through:&lt;rule&gt;").</summary>
    public Outcome<Deal> Win(decimal amount, string source, string actor, DateTimeOffset now, object? evidence = null) => Status == DealStatus.Approved
        ? new Moved<Deal>(this with { Status = DealStatus.Won, ActualAmount = amount, WonSource = source, ClosedAt = now }, "won",
            (d, v) => new DealWon { DealId = Id, Version = v, OccurredAt = d.UpdatedAt, Actor = actor, Source = source, Deal = d.State() },
            null, evidence ?? new { actualAmount = amount })
        : Refuse("closed as won");

    /// <summary>More sell-through was linked to a deal sell-through had won: its actual amount is what has sold.</summary>
    public Outcome<Deal> ReviseActualAmount(decimal amount, string report)
    {
        if (Status != DealStatus.Won || WonSource?.StartsWith("sell-through", StringComparison.Ordinal) != true)
            return Refuse("revised by sell-through", "Only a deal won by sell-through follows what sells.");
        if (ActualAmount == amount) return Refuse("revised by sell-through", $"Its actual amount is already {amount}.");
        var previous = ActualAmount ?? 0;
        return new Moved<Deal>(this with { ActualAmount = amount }, "sell_through_linked",
            (d, v) => new DealActualAmountRevised { DealId = Id, Version = v, OccurredAt = d.UpdatedAt, Actor = "sell-through", PreviousAmount = previous, Deal = d.State() },
            null, new { actualAmount = amount, report });
    }

    public Outcome<Deal> Lose(string reason, Caller by, DateTimeOffset now) => Status == DealStatus.Approved
        ? new Moved<Deal>(this with { Status = DealStatus.Lost, StatusReason = reason, ClosedAt = now }, "lost",
            (d, v) => new DealLost { DealId = Id, Version = v, OccurredAt = d.UpdatedAt, Actor = by.Subject, Reason = reason, Deal = d.State() },
            reason)
        : Refuse("closed as lost");

    /// <summary>Protection ran out before the deal was closed.</summary>
    public Outcome<Deal> Expire(DateTimeOffset now) => Status == DealStatus.Approved && ProtectionEndsAt <= now
        ? new Moved<Deal>(this with { Status = DealStatus.Expired, ClosedAt = now }, "expired",
            (d, v) => new DealExpired { DealId = Id, Version = v, OccurredAt = d.UpdatedAt, Deal = d.State() },
            null, new { protectionEndedAt = ProtectionEndsAt })
        : Refuse("expired");

    /// <summary>
    /// Compliance's decision on the registration. A hold moves a deal awaiting a decision to compliance review; a
    /// refusal rejects it (with the rule's citation as its reason); a clearance sends a held one back to the normal
    /// queue. An approved deal that compliance holds stays approved while it is reviewed (no extension meanwhile; Pricing
    /// suspends its PA), and is rejected if compliance refuses it: its protection ends there. A deal already closed keeps its
    /// status and carries the new screening.
    /// </summary>
    public Outcome<Deal> Screened(string outcome, string reason, string? citation, long sequence, int subjectVersion, string actor, DateTimeOffset now)
    {
        if (sequence <= ScreeningSequence) return Refuse("screened again", $"Screening {sequence} is not newer than {ScreeningSequence}.");
        if (subjectVersion < ScreeningVersion)
            return Refuse("screened again", $"Screening {sequence} was of version {subjectVersion}; version {ScreeningVersion} changed what is screened.");
        var next = this with { Screening = outcome, ScreeningSequence = sequence };
        if (AwaitingDecision)
            next = outcome switch
            {
                ScreeningOutcome.Block => next with { Status = DealStatus.Rejected, StatusReason = reason, ComplianceReason = reason, ClosedAt = now },
                ScreeningOutcome.Review => next with { Status = DealStatus.ComplianceReview, ComplianceReason = reason },
                _ => next with { Status = DealStatus.Submitted, ComplianceReason = null },
            };
        else if (Status == DealStatus.Approved && outcome == ScreeningOutcome.Block)
            next = next with { Status = DealStatus.Rejected, StatusReason = reason, ComplianceReason = reason, ClosedAt = now, ExtensionRequestedAt = null, ExtensionRequestReason = null };
        else next = next with { ComplianceReason = outcome == ScreeningOutcome.Clear ? null : reason };
        return new Moved<Deal>(next, "screened",
            (d, v) => new DealScreened { DealId = Id, Version = v, OccurredAt = d.UpdatedAt, Actor = actor, Outcome = outcome, Reason = reason, Citation = citation, Deal = d.State() },
            outcome == ScreeningOutcome.Clear ? null : reason, new { screening = outcome, status = next.Status, citation });
    }

    /// <summary>The decision is later than its SLA: the deal rises to the top of the queue.</summary>
    public Outcome<Deal> MarkOverdue(DateTimeOffset now) => AwaitingDecision && !Overdue && SlaDueAt <= now
        ? new Moved<Deal>(this with { Overdue = true }, "approval_overdue",
            (d, v) => new DealApprovalOverdue { DealId = Id, Version = v, OccurredAt = d.UpdatedAt, Deal = d.State() },
            null, new { slaDueAt = SlaDueAt })
        : Refuse("marked overdue");

    Refused<Deal> Refuse(string action, string? detail = null) =>
        new(Status, $"A deal that is {Status.Replace('_', ' ')} cannot be {action}.", detail ?? $"Deal {Id} is {Status}.");
}

/// <summary>One of the partner's own open registrations a new one may duplicate, and why.</summary>
public sealed record PossibleDuplicate(Guid DealId, string Status, string Rule, string[] SharedFamilies);

/// <summary>A registration (or the edit of a returned one) that passed validation.</summary>
public sealed record Registration(string CustomerName, string? Domain, string Country, string Region, string Sector,
    IReadOnlyList<DealLine> Lines, decimal TotalValue, string Currency, DateOnly ExpectedClose, string? Notes,
    string? IncumbentVendor, string CustomerType, string FundingSource, string? Attestation)
{
    public string[] Families => [.. Lines.Select(l => l.ProductFamily).Distinct().Order(StringComparer.Ordinal)];
}
