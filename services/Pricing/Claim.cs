using System.Text.Json.Serialization;
using Channel.Contracts.Pricing;
using Channel.Hosting.Auth;
using Channel.Messaging;

namespace Channel.Pricing;

/// <summary>
/// A distributor's ship-and-debit claim (after X12 844) as stored, with the tally of its lines, and its
/// lifecycle. Its lines are decided one by one (<see cref="ClaimLine"/>); a transition returns the claim
/// with the lines it changed, which <see cref="Ledger.CommitClaim"/> saves with the tally, the history and the event.
/// <code>
/// validated ──(no pending or disputed line)── approve ──▶ approved ── settle (credit memo) ──▶ settled
///   lines: pending ──sell-through / timeout──▶ accepted, adjusted, rejected ──dispute──▶ disputed ──resolve──▶ accepted / as before
/// </code>
/// </summary>
public sealed record Claim
{
    public Guid Id { get; init; }
    public string ClaimNumber { get; init; } = "";
    public Guid DistributorId { get; init; }
    public string Status { get; init; } = "";
    public string Currency { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; }
    public string ReceivedBy { get; init; } = "";
    [JsonIgnore] public byte[] ContentHash { get; init; } = [];
    public int LineCount { get; init; }
    public decimal ClaimedAmount { get; init; }
    public int AcceptedLines { get; init; }
    public int AdjustedLines { get; init; }
    public int RejectedLines { get; init; }
    public int PendingLines { get; init; }
    public int DisputedLines { get; init; }
    public decimal AcceptedCredit { get; init; }
    /// <summary>Credit a manager accepted on a disputed line (no sell-through or rule behind it).</summary>
    public decimal OverrideCredit { get; init; }
    public string? ApprovedBy { get; init; }
    public DateTimeOffset? ApprovedAt { get; init; }
    public string? CreditMemo { get; init; }
    public string? SettledBy { get; init; }
    public DateTimeOffset? SettledAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public int Version { get; init; }
    /// <summary>The lines this version changed (saved with it by the commit path).</summary>
    [JsonIgnore] public IReadOnlyList<ClaimLine> Changed { get; init; } = [];

    public ClaimState State() => new()
    {
        ClaimNumber = ClaimNumber,
        DistributorId = DistributorId,
        Status = Status,
        ReceivedAt = ReceivedAt,
        Currency = Currency,
        LineCount = LineCount,
        AcceptedLines = AcceptedLines,
        AdjustedLines = AdjustedLines,
        RejectedLines = RejectedLines,
        PendingLines = PendingLines,
        DisputedLines = DisputedLines,
        ClaimedAmount = ClaimedAmount,
        AcceptedCredit = AcceptedCredit,
        OverrideCredit = OverrideCredit,
        CreditMemo = CreditMemo,
        SettledAt = SettledAt,
    };

    /// <summary>A new claim with every line decided: its tally from those lines.</summary>
    public static Claim Received(Claim claim, IReadOnlyList<ClaimLine> lines) =>
        Tally(claim with { LineCount = lines.Count, ClaimedAmount = lines.Sum(l => l.ClaimedAmount) }, [], lines);

    public ClaimReceived ReceivedEvent(IReadOnlyList<ClaimLine> lines) => new()
    {
        ClaimId = Id,
        Version = Version,
        OccurredAt = UpdatedAt,
        Actor = ReceivedBy,
        Claim = State(),
        Lines = [.. lines.Select(l => l.Decision())],
    };

    /// <summary>Lines decided again (a pending line's sell-through arrived or it timed out).</summary>
    public Outcome<Claim> Decide(IReadOnlyList<(ClaimLine Before, ClaimLine After)> changes, string action, string actor)
    {
        if (changes.Count == 0) return Refuse("decided again", "No line changed.");
        return Changing(changes, action, actor);
    }

    /// <summary>The claim with these lines changed, its tally moved, announced with the changed lines alone.</summary>
    Moved<Claim> Changing(IReadOnlyList<(ClaimLine Before, ClaimLine After)> changes, string action, string actor)
    {
        var after = Tally(this, changes.Select(c => c.Before), changes.Select(c => c.After)) with { Changed = [.. changes.Select(c => c.After)] };
        return new Moved<Claim>(after, action,
            (c, v) => new ClaimLinesDecided { ClaimId = Id, Version = v, OccurredAt = c.UpdatedAt, Actor = actor, Claim = c.State(), Lines = [.. c.Changed.Select(l => l.Decision())] },
            null, new { lines = changes.Select(c => new { c.After.LineNo, from = c.Before.Status, to = c.After.Status, c.After.Reason, c.After.Credit }) });
    }

    /// <summary>The distributor disputes a rejected or adjusted line, with its comment.</summary>
    public Outcome<Claim> Dispute(ClaimLine line, string comment, Caller by, DateTimeOffset now)
    {
        if (Status != ClaimStatus.Validated) return Refuse("disputed", "Only a claim not yet approved can be disputed.");
        if (line.Status is not (ClaimLineStatus.Rejected or ClaimLineStatus.Adjusted))
            return new Refused<Claim>(line.Status, $"A claim line that is {line.Status} cannot be disputed.", "Only a rejected or adjusted line can be disputed.");
        var disputed = line with
        {
            Status = ClaimLineStatus.Disputed,
            DisputedStatus = line.Status,
            DisputedReason = line.Reason,
            DisputeComment = comment,
            DisputedAt = now,
            Resolution = null,
            ResolvedBy = null,
            ResolvedAt = null,
        };
        return Changing([(line, disputed)], "line_disputed", by.Subject) with { Reason = comment };
    }

    /// <summary>
    /// A channel manager resolves a disputed line: <c>accept</c> grants the credit given (or the authorized credit) as a
    /// manual override; <c>uphold</c> puts the line back as it was decided.
    /// </summary>
    public Outcome<Claim> Resolve(ClaimLine line, bool accept, decimal? credit, string comment, Caller by, DateTimeOffset now)
    {
        if (Status != ClaimStatus.Validated) return Refuse("resolved");
        if (line.Status != ClaimLineStatus.Disputed)
            return new Refused<Claim>(line.Status, $"A claim line that is {line.Status} cannot be resolved.", "Only a disputed line is resolved.");
        var resolved = accept
            ? line with
            {
                Status = ClaimLineStatus.Accepted,
                Reason = ClaimReason.ManualOverride,
                Credit = credit ?? line.AuthorizedCredit,
                // It now holds its quantity on the PA line (a duplicate of a line claimed elsewhere never does).
                Reserved = line.Reserved || (line.AuthorizationId is not null && line.DisputedReason != ClaimReason.DuplicateLine),
            }
            : line with { Status = line.DisputedStatus ?? ClaimLineStatus.Rejected, Reason = line.DisputedReason };
        resolved = resolved with { Resolution = accept ? "accepted" : "upheld", ResolvedBy = by.Subject, ResolvedAt = now, DecidedAt = now };
        return Changing([(line, resolved)], "line_resolved", by.Subject) with { Reason = comment };
    }

    public Outcome<Claim> Approve(Caller by, DateTimeOffset now)
    {
        if (Status != ClaimStatus.Validated) return Refuse("approved");
        if (PendingLines > 0 || DisputedLines > 0)
            return Refuse("approved", $"{PendingLines} lines are pending and {DisputedLines} disputed: each must be decided first.");
        return new Moved<Claim>(this with { Status = ClaimStatus.Approved, ApprovedBy = by.Subject, ApprovedAt = now, Changed = [] }, "approved",
            (c, v) => new ClaimApproved { ClaimId = Id, Version = v, OccurredAt = c.UpdatedAt, Actor = by.Subject, Claim = c.State() },
            null, new { status = ClaimStatus.Approved, acceptedCredit = AcceptedCredit });
    }

    public Outcome<Claim> Settle(string creditMemo, Caller by, DateTimeOffset now)
    {
        if (Status != ClaimStatus.Approved)
            return Refuse("settled", PendingLines > 0 || DisputedLines > 0
                ? $"{PendingLines} lines are pending and {DisputedLines} disputed; a claim is approved, then settled."
                : "A claim is approved for payment before it is settled.");
        return new Moved<Claim>(this with { Status = ClaimStatus.Settled, CreditMemo = creditMemo, SettledBy = by.Subject, SettledAt = now, Changed = [] },
            "settled",
            (c, v) => new ClaimSettled { ClaimId = Id, Version = v, OccurredAt = c.UpdatedAt, Actor = by.Subject, Claim = c.State() },
            null, new { status = ClaimStatus.Settled, creditMemo, credit = AcceptedCredit });
    }

    /// <summary>The claim's tally with the lines <paramref name="before"/> taken out and <paramref name="after"/> put in.</summary>
    static Claim Tally(Claim claim, IEnumerable<ClaimLine> before, IEnumerable<ClaimLine> after)
    {
        var c = claim;
        foreach (var (line, sign) in before.Select(l => (l, -1)).Concat(after.Select(l => (l, 1))))
        {
            c = line.Status switch
            {
                ClaimLineStatus.Accepted => c with { AcceptedLines = c.AcceptedLines + sign },
                ClaimLineStatus.Adjusted => c with { AdjustedLines = c.AdjustedLines + sign },
                ClaimLineStatus.Rejected => c with { RejectedLines = c.RejectedLines + sign },
                ClaimLineStatus.Pending => c with { PendingLines = c.PendingLines + sign },
                _ => c with { DisputedLines = c.DisputedLines + sign },
            };
            if (line.Status is ClaimLineStatus.Accepted or ClaimLineStatus.Adjusted)
                c = c with { AcceptedCredit = c.AcceptedCredit + sign * line.Credit };
            if (line.Reason == ClaimReason.ManualOverride)
                c = c with { OverrideCredit = c.OverrideCredit + sign * line.Credit };
        }
        return c;
    }

    Refused<Claim> Refuse(string action, string? detail = null) =>
        new(Status, $"A claim that is {Status} cannot be {action}.", detail ?? $"Claim {ClaimNumber} is {Status}.");
}

/// <summary>One line of a claim and its decision (after 849: status, reason code, accepted credit).</summary>
public sealed record ClaimLine
{
    [JsonIgnore] public Guid ClaimId { get; init; }
    public int LineNo { get; init; }
    [JsonIgnore] public Guid DistributorId { get; init; }
    public string PaNumber { get; init; } = "";
    public Guid? AuthorizationId { get; init; }
    public int? PaLineNo { get; init; }
    public Guid? DealId { get; init; }
    public string InvoiceNumber { get; init; } = "";
    public DateOnly InvoiceDate { get; init; }
    public Guid ResellerId { get; init; }
    public string EndCustomerName { get; init; } = "";
    public string VendorSku { get; init; } = "";
    public decimal Quantity { get; init; }
    public decimal BookCost { get; init; }
    public decimal AuthorizedCost { get; init; }
    public decimal ClaimedAmount { get; init; }
    public string Status { get; init; } = "";
    public string? Reason { get; init; }
    public decimal Credit { get; init; }
    /// <summary>The line holds its quantity on the PA line and its invoice and SKU against other claims.</summary>
    [JsonIgnore] public bool Reserved { get; init; }
    /// <summary>What the PA authorizes for this line, whatever was claimed: (book − net) × quantity (0 without a PA price).</summary>
    public decimal AuthorizedCredit { get; init; }
    public DateTimeOffset DecidedAt { get; init; }
    public string? DisputeComment { get; init; }
    public DateTimeOffset? DisputedAt { get; init; }
    public string? DisputedStatus { get; init; }
    public string? DisputedReason { get; init; }
    public string? Resolution { get; init; }
    public string? ResolvedBy { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }

    public ClaimLineDecision Decision() => new()
    {
        LineNo = LineNo,
        PaNumber = PaNumber,
        AuthorizationId = AuthorizationId,
        DealId = DealId,
        InvoiceNumber = InvoiceNumber,
        VendorSku = VendorSku,
        Quantity = Quantity,
        Status = Status,
        Reason = Reason,
        Credit = Credit,
    };

    /// <summary>Decided in full: accepted at the authorized credit, or adjusted when the claimed amount differs from it.</summary>
    public ClaimLine Granted(DateTimeOffset now) => Math.Abs(ClaimedAmount - AuthorizedCredit) < 0.005m
        ? this with { Status = ClaimLineStatus.Accepted, Reason = null, Credit = AuthorizedCredit, Reserved = true, DecidedAt = now }
        : this with { Status = ClaimLineStatus.Adjusted, Reason = ClaimReason.AmountAdjusted, Credit = AuthorizedCredit, Reserved = true, DecidedAt = now };

    public ClaimLine Rejected(string reason, DateTimeOffset now, bool reserved = false) =>
        this with { Status = ClaimLineStatus.Rejected, Reason = reason, Credit = 0m, Reserved = reserved, DecidedAt = now };

    public ClaimLine Pending(DateTimeOffset now) =>
        this with { Status = ClaimLineStatus.Pending, Reason = ClaimReason.AwaitingSellThrough, Credit = 0m, Reserved = true, DecidedAt = now };
}
