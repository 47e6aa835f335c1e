using Channel.Contracts.Compliance;
using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Channel.Messaging;
using Channel.Testing;

namespace Channel.Deals.Tests;

/// <summary>
/// A deal registration's lifecycle as rules alone (no database, no broker): what each transition decides, the history it
/// writes and the event it announces, and what it refuses with which words. The fast tests <c>./channel mutate deals</c>
/// runs its mutants against; the same lifecycle through the API is in <see cref="DecidingOnDeals"/> and its neighbours.
/// </summary>
[Trait("Category", "Rules")]
public sealed class ChangingADeal
{
    static readonly Guid Partner = Guid.NewGuid(), Distributor = Guid.NewGuid();
    static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    static readonly Caller Manager = new("morgan", Roles.ChannelManager, null, null);
    static readonly Caller Registrant = new("pat", Roles.Partner, Partner, null);

    static readonly DealLine[] lines =
    [
        new() { Sku = "RT-9000", ProductFamily = "routers", Quantity = 4, Amount = 80_000 },
        new() { ProductFamily = "switches", Quantity = 10, Amount = 40_000 },
    ];

    /// <summary>A registration as stored after it was received and screened: submitted, version 1.</summary>
    static Deal Registration(string status = DealStatus.Submitted, string screening = ScreeningOutcome.Clear, string? complianceReason = null) => new()
    {
        Id = Guid.NewGuid(),
        PartnerId = Partner,
        DistributorId = Distributor,
        RegisteredBy = "pat",
        CustomerName = "Northwind Clinics",
        CustomerKey = "northwind clinics",
        CustomerDomain = "northwind.example",
        CustomerCountry = "US",
        CustomerRegion = "WA",
        CustomerSector = "healthcare",
        CustomerType = "healthcare",
        FundingSource = "own-funds",
        Screening = screening,
        ScreeningSequence = 3,
        ComplianceReason = complianceReason,
        ProductFamilies = ["routers", "switches"],
        LinesJson = Deal.LinesOf(lines),
        TotalValue = 120_000,
        Currency = "USD",
        ExpectedClose = new DateOnly(2027, 3, 31),
        Status = status,
        SubmittedAt = Monday,
        SlaDueAt = Monday.AddDays(2),
        UpdatedAt = Monday,
        Version = 1,
    };

    /// <summary>The next state of a move, as the commit path saves it: one version on, a minute later.</summary>
    static (Deal State, Moved<Deal> Moved) Move(Outcome<Deal> outcome) => Transitions.Move(outcome, d => d with { Version = d.Version + 1, UpdatedAt = d.UpdatedAt.AddMinutes(1) });

    /// <summary>The event a move announces for the saved state, checked for what every deal event carries.</summary>
    static T Announced<T>(Moved<Deal> moved, Deal saved) where T : IDealEvent
    {
        var announced = Assert.IsType<T>(moved.Announce(saved, saved.Version));
        Assert.Equal((saved.Id, saved.Version, saved.UpdatedAt), (announced.DealId, announced.Version, announced.OccurredAt));
        Assert.Equal(Json(saved.State()), Json(announced.Deal));
        return announced;
    }

    static void Refused(Outcome<Deal> outcome, string status, string title, string detail) => Transitions.Refused(outcome, status, title, detail);

    static string Json(object? value) => Transitions.Json(value);

    static Deal Approved(DateTimeOffset? at = null) => Move(Registration().Approve(Manager, at ?? Monday, 90, 0)).State;

    static Deal Returned() => Move(Registration().Return("Which site?", Manager)).State;

    static Deal WonBySellThrough(decimal amount) => Move(Approved().Win(amount, "sell-through:exact", "sell-through", Monday.AddDays(30))).State;

    [Fact]
    public void Its_state_for_readers_is_every_field_of_the_registration()
    {
        var deal = Registration() with
        {
            Notes = "not for readers",
            IncumbentVendor = "Globex",
            AttestationVersion = "2026-01",
            ApprovedAt = Monday.AddDays(1),
            ApprovedBy = "morgan",
            ProtectionEndsAt = Monday.AddDays(91),
            ExtensionsUsed = 1,
            ExtensionRequestedAt = Monday.AddDays(80),
            Overdue = true,
            ActualAmount = 99_000,
            ClosedAt = Monday.AddDays(85),
        };
        var state = deal.State();

        // Every field the state carries is the deal's own under the same name; the lines are the stored ones.
        foreach (var property in typeof(DealState).GetProperties().Where(p => p.Name != nameof(DealState.Lines)))
            Assert.True(Json(property.GetValue(state)) == Json(typeof(Deal).GetProperty(property.Name)!.GetValue(deal)), property.Name);
        Assert.Equal(Json(lines), Json(state.Lines));
        Assert.Equal(Json(lines), Json(deal.Lines()));
    }

    [Fact]
    public void Stored_lines_read_back_as_written_and_a_registrations_families_are_its_lines_once_each_in_order()
    {
        Assert.Equal(Json(lines), Json(Registration().Lines()));
        Assert.Empty(new Deal().Lines());
        Assert.Empty((new Deal() with { LinesJson = "null" }).Lines());

        var form = new Registration("Northwind", null, "US", "WA", "healthcare",
            [lines[1], lines[0], lines[1] with { Amount = 1 }], 120_001, "USD", new DateOnly(2027, 3, 31), null, null, "healthcare", "own-funds", null);
        Assert.Equal(["routers", "switches"], form.Families);
    }

    [Fact]
    public void A_registration_announces_itself_with_its_conflicts_and_any_compliance_reason()
    {
        var deal = Registration(complianceReason: "listed domain");
        var registered = deal.Registered("pat", 2);

        Assert.Equal((deal.Id, 1, Monday, "pat", 2, "listed domain"),
            (registered.DealId, registered.Version, registered.OccurredAt, registered.Actor, registered.ConflictCount, registered.ComplianceReason));
        Assert.Equal(Json(deal.State()), Json(registered.Deal));
    }

    [Theory]
    [InlineData(DealStatus.Submitted)]
    [InlineData(DealStatus.ComplianceReview)]
    public void Approving_a_cleared_registration_protects_it_for_the_programs_days(string status)
    {
        var (approved, moved) = Move(Registration(status).Approve(Manager, Monday.AddHours(3), 60, 2));

        Assert.Equal(("approved", (string?)null), (moved.Action, moved.Reason));
        Assert.Equal((DealStatus.Approved, Monday.AddHours(3), "morgan", Monday.AddHours(3).AddDays(60)),
            (approved.Status, approved.ApprovedAt, approved.ApprovedBy, approved.ProtectionEndsAt));
        Assert.Equal(Json(new { status = "approved", protectionEndsAt = Monday.AddHours(3).AddDays(60), openConflicts = 2 }), Json(moved.Changes));
        Assert.Equal("morgan", Announced<DealApproved>(moved, approved).Actor);
    }

    [Fact]
    public void Approval_waits_for_screening_and_is_refused_while_compliance_holds_it()
    {
        var pending = Registration(screening: ScreeningOutcome.Pending);
        Refused(pending.Approve(Manager, Monday, 90, 0), "submitted", "A deal that is submitted cannot be approved.",
            "Its compliance screening has not finished yet; it is usually done within seconds of registering.");

        var held = Registration(DealStatus.ComplianceReview, ScreeningOutcome.Review, "E-Rate funding");
        Refused(held.Approve(Manager, Monday, 90, 0), "compliance_review", "A deal that is compliance review cannot be approved.",
            "It is held for compliance review: E-Rate funding. A compliance officer decides first.");

        var blocked = Registration(DealStatus.ComplianceReview, ScreeningOutcome.Block);
        Refused(blocked.Approve(Manager, Monday, 90, 0), "compliance_review", "A deal that is compliance review cannot be approved.",
            "It is held for compliance review: screening found something. A compliance officer decides first.");
    }

    [Theory]
    [InlineData(DealStatus.Approved)]
    [InlineData(DealStatus.Returned)]
    [InlineData(DealStatus.Rejected)]
    [InlineData(DealStatus.Won)]
    public void Only_a_registration_awaiting_a_decision_is_approved_rejected_or_returned(string status)
    {
        var deal = Registration(status);
        var detail = $"Deal {deal.Id} is {status}.";
        Refused(deal.Approve(Manager, Monday, 90, 0), status, $"A deal that is {status} cannot be approved.", detail);
        Refused(deal.Reject("no", Manager, Monday), status, $"A deal that is {status} cannot be rejected.", detail);
        Refused(deal.Return("no", Manager), status, $"A deal that is {status} cannot be returned.", detail);
    }

    [Theory]
    [InlineData(DealStatus.Submitted)]
    [InlineData(DealStatus.ComplianceReview)]
    public void Rejecting_closes_it_with_its_reason(string status)
    {
        var (rejected, moved) = Move(Registration(status).Reject("Already registered by another partner", Manager, Monday.AddDays(1)));

        Assert.Equal(("rejected", "Already registered by another partner"), (moved.Action, moved.Reason));
        Assert.Equal((DealStatus.Rejected, "Already registered by another partner", Monday.AddDays(1)), (rejected.Status, rejected.StatusReason, rejected.ClosedAt));
        Assert.Equal(Json(new { status = "rejected" }), Json(moved.Changes));
        var announced = Announced<DealRejected>(moved, rejected);
        Assert.Equal(("morgan", "Already registered by another partner"), (announced.Actor, announced.Reason));
    }

    [Theory]
    [InlineData(DealStatus.Submitted)]
    [InlineData(DealStatus.ComplianceReview)]
    public void Returning_asks_the_registrant_for_more_and_keeps_it_open(string status)
    {
        var (returned, moved) = Move(Registration(status).Return("Which site?", Manager));

        Assert.Equal(("returned", "Which site?"), (moved.Action, moved.Reason));
        Assert.Equal((DealStatus.Returned, "Which site?", (DateTimeOffset?)null), (returned.Status, returned.StatusReason, returned.ClosedAt));
        Assert.Equal(Json(new { status = "returned" }), Json(moved.Changes));
        var announced = Announced<DealReturned>(moved, returned);
        Assert.Equal(("morgan", "Which site?"), (announced.Actor, announced.Reason));
    }

    [Fact]
    public void Editing_a_returned_registration_rewrites_what_the_form_says_and_who_attested_it()
    {
        var form = new Registration("Contoso Schools, Inc.", "contoso.example", "CA", "ON", "education",
            [new DealLine { ProductFamily = "wireless", Quantity = 3, Amount = 9_000 }], 9_000, "CAD", new DateOnly(2027, 6, 30),
            "three campuses", "Initech", "education", "e-rate", "2026-01");
        var (edited, moved) = Move(Returned().Edit(form, Registrant, Monday.AddDays(2)));

        Assert.Equal(("edited", (string?)null), (moved.Action, moved.Reason));
        Assert.Equal(("Contoso Schools, Inc.", "contoso schools", "contoso.example", "CA", "ON", "education"),
            (edited.CustomerName, edited.CustomerKey, edited.CustomerDomain, edited.CustomerCountry, edited.CustomerRegion, edited.CustomerSector));
        Assert.Equal(("education", "e-rate", "2026-01", "pat", Monday.AddDays(2)),
            (edited.CustomerType, edited.FundingSource, edited.AttestationVersion, edited.AttestedBy, edited.AttestedAt));
        Assert.Equal(["wireless"], edited.ProductFamilies);
        Assert.Equal(Json(form.Lines), Json(edited.Lines()));
        Assert.Equal((9_000m, "CAD", new DateOnly(2027, 6, 30), "three campuses", "Initech"),
            (edited.TotalValue, edited.Currency, edited.ExpectedClose, edited.Notes, edited.IncumbentVendor));
        Assert.Equal((DealStatus.Returned, "Which site?"), (edited.Status, edited.StatusReason));
        Assert.Equal(Json(new { customer = "Contoso Schools, Inc.", totalValue = 9_000m }), Json(moved.Changes));
        Assert.Equal("pat", Announced<DealEdited>(moved, edited).Actor);

        // No statement attested: nobody attested it.
        var (unattested, _) = Move(edited.Edit(form with { Attestation = null }, Registrant, Monday.AddDays(3)));
        Assert.Equal(((string?)null, (string?)null, (DateTimeOffset?)null), (unattested.AttestationVersion, unattested.AttestedBy, unattested.AttestedAt));

        var submitted = Registration();
        Refused(submitted.Edit(form, Registrant, Monday), "submitted", "A deal that is submitted cannot be edited.",
            "Only a returned registration can be edited.");
    }

    [Fact]
    public void Resubmitting_sends_it_back_for_a_decision_screened_again_with_a_new_deadline()
    {
        var waiting = Registration(DealStatus.ComplianceReview, ScreeningOutcome.Review, "E-Rate funding") with { Overdue = true };
        var returned = Move(waiting.Return("Name the school district", Manager)).State;
        var (resubmitted, moved) = Move(returned.Resubmit(Monday.AddDays(5), 1, Registrant));

        Assert.Equal(("resubmitted", (string?)null), (moved.Action, moved.Reason));
        Assert.Equal((DealStatus.Submitted, ScreeningOutcome.Pending, returned.Version + 1, Monday.AddDays(5), false),
            (resubmitted.Status, resubmitted.Screening, resubmitted.ScreeningVersion, resubmitted.SlaDueAt, resubmitted.Overdue));
        Assert.Equal(((string?)null, (string?)null), (resubmitted.ComplianceReason, resubmitted.StatusReason));
        Assert.Equal(Json(new { status = "submitted", conflicts = 1 }), Json(moved.Changes));
        var announced = Announced<DealResubmitted>(moved, resubmitted);
        Assert.Equal(("pat", 1), (announced.Actor, announced.ConflictCount));

        var submitted = Registration();
        Refused(submitted.Resubmit(Monday, 0, Registrant), "submitted", "A deal that is submitted cannot be resubmitted.", $"Deal {submitted.Id} is submitted.");
    }

    static Outcome<Deal> AskToExtend(Deal deal, DateTimeOffset at, int max = 1) => deal.RequestExtension("Customer's budget moved a quarter", Registrant, at, max);

    [Fact]
    public void An_extension_is_asked_for_while_protection_lasts_and_is_granted_by_its_days()
    {
        var approved = Approved();
        var (asked, moved) = Move(AskToExtend(approved, Monday.AddDays(80)));

        Assert.Equal(("extension_requested", "Customer's budget moved a quarter"), (moved.Action, moved.Reason));
        Assert.Equal((Monday.AddDays(80), "Customer's budget moved a quarter", 0), (asked.ExtensionRequestedAt, asked.ExtensionRequestReason, asked.ExtensionsUsed));
        var requested = Announced<DealExtensionRequested>(moved, asked);
        Assert.Equal(("pat", "Customer's budget moved a quarter"), (requested.Actor, requested.Reason));

        var (extended, granted) = Move(asked.GrantExtension(Manager, 45));
        Assert.Equal(("extended", (string?)null), (granted.Action, granted.Reason));
        Assert.Equal((Monday.AddDays(135), 1, (DateTimeOffset?)null, (string?)null),
            (extended.ProtectionEndsAt, extended.ExtensionsUsed, extended.ExtensionRequestedAt, extended.ExtensionRequestReason));
        Assert.Equal(Json(new { protectionEndsAt = Monday.AddDays(135) }), Json(granted.Changes));
        Assert.Equal("morgan", Announced<DealExtended>(granted, extended).Actor);

        // The second of two allowed.
        Assert.Equal(2, Move(Move(AskToExtend(extended, Monday.AddDays(100), max: 2)).State.GrantExtension(Manager, 45)).State.ExtensionsUsed);
    }

    [Fact]
    public void An_extension_is_refused_once_protection_ends_when_none_are_left_while_one_is_pending_or_while_held()
    {
        var approved = Approved();
        Refused(AskToExtend(approved, Monday.AddDays(90)), "approved", "A deal that is approved cannot be extended.", "Its protection has already ended.");
        Move(AskToExtend(approved, Monday.AddDays(90).AddTicks(-1)));

        var used = approved with { ExtensionsUsed = 1 };
        Refused(AskToExtend(used, Monday.AddDays(1)), "approved", "A deal that is approved cannot be extended again.", "It has had 1 of 1 extensions allowed.");
        Move(AskToExtend(used, Monday.AddDays(1), max: 2));

        var asked = Move(AskToExtend(approved, Monday.AddDays(1))).State;
        Refused(AskToExtend(asked, Monday.AddDays(2)), "approved", "A deal that is approved cannot be asked for another extension.",
            "An extension request is already pending.");

        var held = asked with { Screening = ScreeningOutcome.Review, ComplianceReason = "partner on a list" };
        const string heldDetail = "It is held for compliance review: partner on a list. A compliance officer decides first.";
        Refused(AskToExtend(held with { ExtensionRequestedAt = null }, Monday.AddDays(2)), "approved", "A deal that is approved cannot be extended.", heldDetail);
        Refused(held.GrantExtension(Manager, 90), "approved", "A deal that is approved cannot be extended.", heldDetail);
        Refused((held with { Screening = ScreeningOutcome.Block }).GrantExtension(Manager, 90), "approved", "A deal that is approved cannot be extended.", heldDetail);

        Refused(approved.GrantExtension(Manager, 90), "approved", "A deal that is approved cannot be extended.", "No extension was requested.");

        var submitted = Registration();
        Refused(AskToExtend(submitted, Monday), "submitted", "A deal that is submitted cannot be extended.", $"Deal {submitted.Id} is submitted.");
        Refused((submitted with { ExtensionRequestedAt = Monday }).GrantExtension(Manager, 90), "submitted", "A deal that is submitted cannot be extended.",
            $"Deal {submitted.Id} is submitted.");
    }

    [Fact]
    public void Winning_closes_an_approved_deal_with_its_amount_source_and_evidence()
    {
        var (won, moved) = Move(Approved().Win(118_500, "registrant", "pat", Monday.AddDays(40)));

        Assert.Equal(("won", (string?)null), (moved.Action, moved.Reason));
        Assert.Equal((DealStatus.Won, 118_500m, "registrant", Monday.AddDays(40)), (won.Status, won.ActualAmount, won.WonSource, won.ClosedAt));
        Assert.Equal(Json(new { actualAmount = 118_500m }), Json(moved.Changes));
        var announced = Announced<DealWon>(moved, won);
        Assert.Equal(("pat", "registrant"), (announced.Actor, announced.Source));

        var evidence = new { report = "R-1", lines = 3 };
        Assert.Same(evidence, Assert.IsType<Moved<Deal>>(Approved().Win(1, "sell-through:exact", "sell-through", Monday, evidence)).Changes);

        var submitted = Registration();
        Refused(submitted.Win(1, "registrant", "pat", Monday), "submitted", "A deal that is submitted cannot be closed as won.", $"Deal {submitted.Id} is submitted.");
    }

    [Fact]
    public void Losing_closes_an_approved_deal_with_its_reason()
    {
        var (lost, moved) = Move(Approved().Lose("Went with the incumbent", Manager, Monday.AddDays(20)));

        Assert.Equal(("lost", "Went with the incumbent"), (moved.Action, moved.Reason));
        Assert.Equal((DealStatus.Lost, "Went with the incumbent", Monday.AddDays(20)), (lost.Status, lost.StatusReason, lost.ClosedAt));
        Assert.Null(moved.Changes);
        var announced = Announced<DealLost>(moved, lost);
        Assert.Equal(("morgan", "Went with the incumbent"), (announced.Actor, announced.Reason));

        var won = WonBySellThrough(5);
        Refused(won.Lose("late", Manager, Monday), "won", "A deal that is won cannot be closed as lost.", $"Deal {won.Id} is won.");
    }

    [Fact]
    public void Sell_through_revises_the_amount_of_a_deal_it_won_and_nothing_else()
    {
        var won = WonBySellThrough(60_000);
        var (revised, moved) = Move(won.ReviseActualAmount(95_000, "R-2"));

        Assert.Equal(("sell_through_linked", (string?)null), (moved.Action, moved.Reason));
        Assert.Equal((DealStatus.Won, 95_000m), (revised.Status, revised.ActualAmount));
        Assert.Equal(Json(new { actualAmount = 95_000m, report = "R-2" }), Json(moved.Changes));
        var announced = Announced<DealActualAmountRevised>(moved, revised);
        Assert.Equal(("sell-through", 60_000m), (announced.Actor, announced.PreviousAmount));
        Assert.Equal(0m, Assert.IsType<DealActualAmountRevised>(Move((won with { ActualAmount = null }).ReviseActualAmount(1, "R-3")).Moved
            .Announce(won, 9)).PreviousAmount);

        Refused(won.ReviseActualAmount(60_000, "R-2"), "won", "A deal that is won cannot be revised by sell-through.", "Its actual amount is already 60000.");
        const string only = "Only a deal won by sell-through follows what sells.";
        var byRegistrant = Move(Approved().Win(60_000, "registrant", "pat", Monday)).State;
        Refused(byRegistrant.ReviseActualAmount(70_000, "R-2"), "won", "A deal that is won cannot be revised by sell-through.", only);
        Refused((won with { WonSource = null }).ReviseActualAmount(70_000, "R-2"), "won", "A deal that is won cannot be revised by sell-through.", only);
        Refused((won with { WonSource = "registrant, sell-through" }).ReviseActualAmount(70_000, "R-2"), "won", "A deal that is won cannot be revised by sell-through.", only);
        Refused((won with { Status = DealStatus.Approved }).ReviseActualAmount(70_000, "R-2"), "approved", "A deal that is approved cannot be revised by sell-through.", only);
    }

    [Fact]
    public void Protection_that_has_run_out_expires_an_approved_deal_and_nothing_earlier()
    {
        var approved = Approved();
        var ends = approved.ProtectionEndsAt!.Value;
        Refused(approved.Expire(ends.AddTicks(-1)), "approved", "A deal that is approved cannot be expired.", $"Deal {approved.Id} is approved.");

        var (expired, moved) = Move(approved.Expire(ends));
        Assert.Equal(("expired", (string?)null), (moved.Action, moved.Reason));
        Assert.Equal((DealStatus.Expired, ends), (expired.Status, expired.ClosedAt));
        Assert.Equal(Json(new { protectionEndedAt = (DateTimeOffset?)ends }), Json(moved.Changes));
        Announced<DealExpired>(moved, expired);

        var submitted = Registration() with { ProtectionEndsAt = Monday };
        Refused(submitted.Expire(Monday.AddDays(1)), "submitted", "A deal that is submitted cannot be expired.", $"Deal {submitted.Id} is submitted.");
    }

    [Fact]
    public void A_decision_later_than_its_sla_marks_a_waiting_registration_overdue_once()
    {
        var waiting = Registration(DealStatus.ComplianceReview, ScreeningOutcome.Review);
        var due = waiting.SlaDueAt!.Value;
        Refused(waiting.MarkOverdue(due.AddTicks(-1)), "compliance_review", "A deal that is compliance review cannot be marked overdue.", $"Deal {waiting.Id} is compliance_review.");

        var (overdue, moved) = Move(waiting.MarkOverdue(due));
        Assert.Equal(("approval_overdue", true), (moved.Action, overdue.Overdue));
        Assert.Equal(Json(new { slaDueAt = (DateTimeOffset?)due }), Json(moved.Changes));
        Announced<DealApprovalOverdue>(moved, overdue);
        Assert.IsType<Refused<Deal>>(overdue.MarkOverdue(due.AddDays(1)));

        Move(Registration().MarkOverdue(due));
        Assert.IsType<Refused<Deal>>((Registration() with { SlaDueAt = null }).MarkOverdue(due));
        Assert.IsType<Refused<Deal>>(Approved().MarkOverdue(due.AddDays(1)));
    }

    static Outcome<Deal> Screen(Deal deal, string outcome, long sequence = 4, int version = 1, string reason = "E-Rate funding", string? citation = "47 CFR 54.9") =>
        deal.Screened(outcome, reason, citation, sequence, version, "compliance", Monday.AddDays(1));

    [Fact]
    public void A_screening_no_newer_than_the_last_or_of_content_since_resubmitted_is_turned_away()
    {
        var deal = Registration();
        Refused(Screen(deal, ScreeningOutcome.Review, sequence: 3), "submitted", "A deal that is submitted cannot be screened again.", "Screening 3 is not newer than 3.");
        Refused(Screen(deal with { ScreeningVersion = 4 }, ScreeningOutcome.Clear, version: 3), "submitted", "A deal that is submitted cannot be screened again.",
            "Screening 4 was of version 3; version 4 changed what is screened.");
        Assert.Equal(4, Move(Screen(deal with { ScreeningVersion = 4 }, ScreeningOutcome.Clear, version: 4)).State.ScreeningSequence);
    }

    [Fact]
    public void Screening_a_waiting_registration_holds_refuses_or_clears_it()
    {
        var (held, moved) = Move(Screen(Registration(screening: ScreeningOutcome.Pending), ScreeningOutcome.Review));
        Assert.Equal(("screened", "E-Rate funding"), (moved.Action, moved.Reason));
        Assert.Equal((DealStatus.ComplianceReview, ScreeningOutcome.Review, "E-Rate funding", 4L, (string?)null),
            (held.Status, held.Screening, held.ComplianceReason, held.ScreeningSequence, held.StatusReason));
        Assert.Equal(Json(new { screening = "review", status = "compliance_review", citation = "47 CFR 54.9" }), Json(moved.Changes));
        var announced = Announced<DealScreened>(moved, held);
        Assert.Equal(("compliance", "review", "E-Rate funding", "47 CFR 54.9"), (announced.Actor, announced.Outcome, announced.Reason, announced.Citation));

        var (cleared, clearing) = Move(Screen(held, ScreeningOutcome.Clear, sequence: 5, reason: "cleared by riley", citation: null));
        Assert.Equal((DealStatus.Submitted, ScreeningOutcome.Clear, (string?)null), (cleared.Status, cleared.Screening, cleared.ComplianceReason));
        Assert.Null(clearing.Reason);
        Assert.Equal(Json(new { screening = "clear", status = "submitted", citation = (string?)null }), Json(clearing.Changes));

        var (blocked, blocking) = Move(Screen(held, ScreeningOutcome.Block, sequence: 5, reason: "NDAA §889(a)(1)(A)"));
        Assert.Equal((DealStatus.Rejected, "NDAA §889(a)(1)(A)", "NDAA §889(a)(1)(A)", Monday.AddDays(1)),
            (blocked.Status, blocked.StatusReason, blocked.ComplianceReason, blocked.ClosedAt));
        Assert.Equal("NDAA §889(a)(1)(A)", blocking.Reason);
    }

    [Fact]
    public void Screening_an_approved_deal_keeps_it_approved_while_held_and_rejects_it_when_refused()
    {
        var asked = Move(AskToExtend(Approved(), Monday.AddDays(1))).State;

        var (held, _) = Move(Screen(asked, ScreeningOutcome.Review));
        Assert.Equal((DealStatus.Approved, ScreeningOutcome.Review, "E-Rate funding", (DateTimeOffset?)null),
            (held.Status, held.Screening, held.ComplianceReason, held.ClosedAt));
        Assert.NotNull(held.ExtensionRequestedAt);

        var (cleared, _) = Move(Screen(held, ScreeningOutcome.Clear, sequence: 5));
        Assert.Equal((DealStatus.Approved, ScreeningOutcome.Clear, (string?)null), (cleared.Status, cleared.Screening, cleared.ComplianceReason));

        var (refused, moved) = Move(Screen(held, ScreeningOutcome.Block, sequence: 5, reason: "partner listed"));
        Assert.Equal((DealStatus.Rejected, "partner listed", "partner listed", Monday.AddDays(1)),
            (refused.Status, refused.StatusReason, refused.ComplianceReason, refused.ClosedAt));
        Assert.Equal(((DateTimeOffset?)null, (string?)null), (refused.ExtensionRequestedAt, refused.ExtensionRequestReason));
        Assert.Equal(Json(new { screening = "block", status = "rejected", citation = "47 CFR 54.9" }), Json(moved.Changes));
    }

    [Fact]
    public void Screening_a_closed_deal_keeps_its_status_and_carries_the_new_screening()
    {
        var won = WonBySellThrough(10);
        var (blocked, _) = Move(Screen(won, ScreeningOutcome.Block, reason: "customer listed"));
        Assert.Equal((DealStatus.Won, ScreeningOutcome.Block, "customer listed", (string?)null), (blocked.Status, blocked.Screening, blocked.ComplianceReason, blocked.StatusReason));

        var returned = Returned();
        var (held, _) = Move(Screen(returned, ScreeningOutcome.Review));
        Assert.Equal((DealStatus.Returned, "E-Rate funding"), (held.Status, held.ComplianceReason));
    }
}
