using Channel.Contracts.Partners;
using Channel.Contracts.Pricing;
using Channel.Hosting.Auth;
using Channel.Messaging;
using Channel.Testing;

namespace Channel.Pricing.Tests;

/// <summary>
/// A ship-and-debit claim as rules alone (no database, no broker): each line decided by the first rule that applies, in
/// the documented order, and the claim's lifecycle (disputes, resolutions, approval, settlement) with its tally. The fast
/// tests <c>./channel mutate pricing</c> runs its mutants against; the same claims through the API and the database are in
/// <see cref="ClaimingShipAndDebit"/>.
/// </summary>
[Trait("Category", "Rules")]
public sealed class DecidingAClaim
{
    static readonly Guid Reseller = Guid.NewGuid(), Distributor = Guid.NewGuid(), ClaimId = Guid.NewGuid();
    static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    static readonly DateTimeOffset Now = new(2026, 12, 5, 15, 0, 0, TimeSpan.Zero);
    static readonly Caller Manager = new("morgan", Roles.ChannelManager, null, null);
    static readonly Caller DistributorUser = new("dana", Roles.Distributor, null, Distributor);
    static readonly PricingRules Rules = new();

    static PriceAuthorization Authorization(string status = PriceAuthorizationStatus.Active) => new()
    {
        Id = Guid.NewGuid(),
        Number = "PA-2026-000042",
        DealId = Guid.NewGuid(),
        PartnerId = Reseller,
        CustomerName = "Northwind Clinics",
        CustomerRegion = "WA",
        Status = status,
        Tier = PartnerTier.Gold,
        ValidFrom = Monday,
        ValidUntil = Monday.AddDays(90),
        Currency = "USD",
        Version = 1,
        LinesJson = PriceAuthorization.LinesOf(
        [
            new() { LineNo = 1, Sku = "RT-9000", ProductFamily = "routers", MaxQuantity = 4, DiscountPercent = 48, Currency = "USD",
                Prices = [new() { Sku = "RT-9000", ListPrice = 10_000, BookCost = 7_000, NetCost = 5_200 }] },
            new() { LineNo = 2, ProductFamily = "routers", MaxQuantity = 10, DiscountPercent = 48, Currency = "USD", ClaimedQuantity = 3,
                Prices = [new() { Sku = "RT-9000", ListPrice = 10_000, BookCost = 7_000, NetCost = 6_000 }, new() { Sku = "SW-48", ListPrice = 2_000, BookCost = 1_400, NetCost = 1_000 }] },
        ]),
    };

    static ClaimRules.Eligibility Serves(string region = "WA", bool active = true, DateTimeOffset? revokedAt = null) =>
        new() { PartnerId = Reseller, Regions = ["OR", region], Active = active, RevokedAt = revokedAt };

    static ClaimRules.Known Known(PriceAuthorization pa, ClaimRules.Eligibility[]? serves = null, decimal sold = 2, (string, string)? taken = null) => new(
        new Dictionary<string, PriceAuthorization> { [pa.Number] = pa },
        (serves ?? [Serves()]).ToLookup(e => e.PartnerId),
        new Dictionary<(string Invoice, string Sku), decimal> { [("INV-7", "RT-9000")] = sold },
        taken is { } t ? [t] : []);

    /// <summary>Two RT-9000 invoiced on 30 November, claimed at 3,600 (2 × (7,000 − 5,200)).</summary>
    static readonly ClaimRules.Submitted Line = new(1, "PA-2026-000042", "INV-7", new DateOnly(2026, 11, 30), Reseller, "Northwind Clinics", "RT-9000",
        2, 7_000, 5_200, 3_600);

    static ClaimLine Decide(ClaimRules.Submitted line, PriceAuthorization pa, ClaimRules.Known? known = null, DateTimeOffset? now = null) =>
        ClaimRules.Decide(ClaimId, Distributor, line, known ?? Known(pa), Rules, now ?? Now);

    static void RejectedFor(string reason, ClaimLine decided, bool reserved = false)
    {
        Assert.Equal((ClaimLineStatus.Rejected, reason, 0m, reserved, Now), (decided.Status, decided.Reason, decided.Credit, decided.Reserved, decided.DecidedAt));
    }

    [Fact]
    public void A_line_that_passes_every_rule_with_its_sell_through_in_is_accepted_at_the_authorized_credit_and_holds_its_quantity()
    {
        var pa = Authorization();
        var known = Known(pa);
        var decided = Decide(Line, pa, known);

        Assert.Equal((ClaimLineStatus.Accepted, (string?)null, 3_600m, 3_600m, true, Now), (decided.Status, decided.Reason, decided.Credit, decided.AuthorizedCredit, decided.Reserved, decided.DecidedAt));
        Assert.Equal((ClaimId, 1, Distributor, "PA-2026-000042", (Guid?)pa.Id, (int?)1, (Guid?)pa.DealId), (decided.ClaimId, decided.LineNo, decided.DistributorId, decided.PaNumber, decided.AuthorizationId, decided.PaLineNo, decided.DealId));
        Assert.Equal(("INV-7", new DateOnly(2026, 11, 30), Reseller, "Northwind Clinics", "RT-9000", 2m, 7_000m, 5_200m, 3_600m),
            (decided.InvoiceNumber, decided.InvoiceDate, decided.ResellerId, decided.EndCustomerName, decided.VendorSku, decided.Quantity, decided.BookCost, decided.AuthorizedCost, decided.ClaimedAmount));
        Assert.Contains(("INV-7", "RT-9000"), known.Taken);
        Assert.Equal(2m, known.Claimed[(pa.Id, 1)]);
        Assert.Equal([pa.Id], known.Changed);

        // The same invoice's SKU again in the same claim is a duplicate, and takes nothing more.
        RejectedFor(ClaimReason.DuplicateLine, Decide(Line with { LineNo = 2 }, pa, known));
        Assert.Equal(2m, known.Claimed[(pa.Id, 1)]);
    }

    [Fact]
    public void Another_amount_claimed_is_adjusted_to_the_authorized_credit_and_a_line_without_sell_through_waits()
    {
        var pa = Authorization();
        var adjusted = Decide(Line with { ClaimedAmount = 3_599.99m }, pa);
        Assert.Equal((ClaimLineStatus.Adjusted, ClaimReason.AmountAdjusted, 3_600m, true), (adjusted.Status, adjusted.Reason, adjusted.Credit, adjusted.Reserved));
        Assert.Equal(ClaimLineStatus.Accepted, Decide(Line with { ClaimedAmount = 3_599.996m }, pa).Status);
        Assert.Equal(ClaimLineStatus.Adjusted, Decide(Line with { ClaimedAmount = 3_600.005m }, pa).Status);

        var known = Known(pa, sold: 1.5m);
        var pending = Decide(Line, pa, known);
        Assert.Equal((ClaimLineStatus.Pending, ClaimReason.AwaitingSellThrough, 0m, 3_600m, true, Now),
            (pending.Status, pending.Reason, pending.Credit, pending.AuthorizedCredit, pending.Reserved, pending.DecidedAt));
        Assert.Equal(2m, known.Claimed[(pa.Id, 1)]);
        Assert.Equal(ClaimLineStatus.Accepted, Decide(Line, pa, Known(pa, sold: 5)).Status);
    }

    [Fact]
    public void An_unknown_authorization_number_is_rejected_without_naming_one()
    {
        var decided = Decide(Line with { PaNumber = "PA-2026-999999" }, Authorization());
        RejectedFor(ClaimReason.UnknownAuthorization, decided);
        Assert.Equal(((Guid?)null, (Guid?)null, (int?)null, 0m), (decided.AuthorizationId, decided.DealId, decided.PaLineNo, decided.AuthorizedCredit));
    }

    [Theory]
    [InlineData("2026-11-22", false)] // the day before it was valid
    [InlineData("2026-11-23", true)]
    [InlineData("2027-02-21", true)] // its last day
    [InlineData("2027-02-22", false)]
    public void A_sale_is_covered_only_on_the_days_the_authorization_was_valid(string invoiced, bool covered)
    {
        var pa = Authorization();
        var decided = Decide(Line with { InvoiceDate = DateOnly.Parse(invoiced) }, pa, now: new DateTimeOffset(2027, 2, 25, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(covered, decided.Reason != ClaimReason.AuthorizationNotActive);
        Assert.Equal((Guid?)pa.Id, decided.AuthorizationId);
    }

    [Fact]
    public void An_authorization_awaiting_its_second_approver_or_revoked_before_the_sale_covers_nothing()
    {
        RejectedFor(ClaimReason.AuthorizationNotActive, Decide(Line, Authorization(PriceAuthorizationStatus.PendingApproval)));
        var heldWhileWaiting = Authorization(PriceAuthorizationStatus.Suspended) with { ResumeTo = PriceAuthorizationStatus.PendingApproval };
        RejectedFor(ClaimReason.AuthorizationNotActive, Decide(Line, heldWhileWaiting));

        var revoked = Authorization(PriceAuthorizationStatus.Revoked) with { RevokedAt = new DateTimeOffset(2026, 11, 29, 23, 0, 0, TimeSpan.FromHours(-5)) };
        // Revoked at 04:00 UTC on the 30th: a sale that day is still covered, one the next day is not.
        Assert.Equal(ClaimLineStatus.Accepted, Decide(Line, revoked).Status);
        RejectedFor(ClaimReason.AuthorizationNotActive, Decide(Line with { InvoiceDate = new DateOnly(2026, 12, 1) }, revoked));
        // An expired or consumed one still covers the sales of its days.
        Assert.Equal(ClaimLineStatus.Accepted, Decide(Line, Authorization(PriceAuthorizationStatus.Expired)).Status);
    }

    [Fact]
    public void A_suspended_authorization_covers_nothing_now_and_nothing_sold_while_it_was()
    {
        var suspended = Move(Authorization().Hold(AuthorizationHolds.Deal, "held", "compliance", Monday.AddDays(2)));
        RejectedFor(ClaimReason.AuthorizationSuspended, Decide(Line, suspended));

        var resumed = Move(suspended.Release(AuthorizationHolds.Deal, "riley", new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero)));
        RejectedFor(ClaimReason.AuthorizationSuspended, Decide(Line, resumed));
        Assert.Equal(ClaimLineStatus.Accepted, Decide(Line with { InvoiceDate = new DateOnly(2026, 12, 1) }, resumed).Status);
    }

    static PriceAuthorization Move(Outcome<PriceAuthorization> outcome) => Assert.IsType<Moved<PriceAuthorization>>(outcome).State;

    [Fact]
    public void A_sale_by_another_reseller_or_through_a_distributor_not_authorized_there_then_is_rejected()
    {
        var pa = Authorization();
        RejectedFor(ClaimReason.ResellerMismatch, Decide(Line with { ResellerId = Guid.NewGuid() }, pa));
        RejectedFor(ClaimReason.DistributorNotEligible, Decide(Line, pa, Known(pa, serves: [])));
        RejectedFor(ClaimReason.DistributorNotEligible, Decide(Line, pa, Known(pa, serves: [Serves(region: "CA")])));
        RejectedFor(ClaimReason.DistributorNotEligible, Decide(Line, pa, Known(pa, serves: [new() { PartnerId = Guid.NewGuid(), Regions = ["WA"], Active = true }])));

        // Revoked since: a sale before the revocation's day still counts, one after does not.
        var revokedOnSaleDay = Serves(active: false, revokedAt: new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.Zero));
        Assert.Equal(ClaimLineStatus.Accepted, Decide(Line, pa, Known(pa, serves: [revokedOnSaleDay])).Status);
        var revokedBefore = Serves(active: false, revokedAt: new DateTimeOffset(2026, 11, 29, 23, 0, 0, TimeSpan.FromHours(-5)));
        Assert.Equal(ClaimLineStatus.Accepted, Decide(Line, pa, Known(pa, serves: [revokedBefore])).Status); // 04:00 UTC on the 30th
        RejectedFor(ClaimReason.DistributorNotEligible, Decide(Line, pa, Known(pa, serves: [Serves(active: false, revokedAt: new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero))])));
        RejectedFor(ClaimReason.DistributorNotEligible, Decide(Line, pa, Known(pa, serves: [Serves(active: false)])));
    }

    [Fact]
    public void A_sku_is_priced_by_its_own_line_before_a_family_line_and_one_no_line_prices_is_rejected()
    {
        var pa = Authorization();
        var byFamily = Decide(Line with { VendorSku = "SW-48", BookCost = 1_400, AuthorizedCost = 1_000, ClaimedAmount = 800, InvoiceNumber = "INV-8" }, pa,
            Known(pa) with { Sold = new Dictionary<(string Invoice, string Sku), decimal> { [("INV-8", "SW-48")] = 2 } });
        Assert.Equal((ClaimLineStatus.Accepted, (int?)2, 800m), (byFamily.Status, byFamily.PaLineNo, byFamily.Credit));

        var decided = Decide(Line with { VendorSku = "AP-310" }, pa);
        RejectedFor(ClaimReason.ProductNotAuthorized, decided);
        Assert.Equal(((int?)null, 0m, (Guid?)pa.Id), (decided.PaLineNo, decided.AuthorizedCredit, decided.AuthorizationId));
    }

    [Fact]
    public void A_claim_filed_after_the_window_is_late()
    {
        var pa = Authorization();
        var inWindow = Decide(Line, pa, now: new DateTimeOffset(2027, 2, 28, 23, 0, 0, TimeSpan.Zero)); // day 90
        Assert.Equal(ClaimLineStatus.Accepted, inWindow.Status);
        var late = ClaimRules.Decide(ClaimId, Distributor, Line, Known(pa), Rules, new DateTimeOffset(2027, 3, 1, 1, 0, 0, TimeSpan.Zero));
        Assert.Equal((ClaimLineStatus.Rejected, ClaimReason.LateClaim, (int?)1, 3_600m), (late.Status, late.Reason, late.PaLineNo, late.AuthorizedCredit));
    }

    [Fact]
    public void An_invoices_sku_claimed_before_is_a_duplicate()
    {
        var pa = Authorization();
        var known = Known(pa, taken: ("INV-7", "RT-9000"));
        var decided = Decide(Line, pa, known);
        RejectedFor(ClaimReason.DuplicateLine, decided);
        Assert.Equal(3_600m, decided.AuthorizedCredit);
        Assert.Empty(known.Changed);
        Assert.Equal(ClaimLineStatus.Accepted, Decide(Line, pa, Known(pa, taken: ("INV-8", "RT-9000"))).Status);
    }

    [Theory]
    [InlineData(7_000.01, 5_200, true)]
    [InlineData(7_000, 5_199.99, true)]
    [InlineData(7_000.02, 5_200, false)]
    [InlineData(6_999.98, 5_200, false)]
    [InlineData(7_000, 5_200.02, false)]
    [InlineData(7_000, 5_199.98, false)]
    public void Costs_claimed_must_be_the_authorizations_within_a_cent(decimal book, decimal net, bool matches)
    {
        var decided = Decide(Line with { BookCost = book, AuthorizedCost = net }, Authorization());
        Assert.Equal(matches ? ClaimLineStatus.Accepted : ClaimLineStatus.Rejected, decided.Status);
        if (!matches) RejectedFor(ClaimReason.CostMismatch, decided);
    }

    [Fact]
    public void No_more_than_a_lines_maximum_is_claimed_counting_what_is_claimed_already()
    {
        var pa = Authorization();
        var known = Known(pa, sold: 9);
        // Line 2 (the family's) has 3 of 10 claimed: 7 more fit, 8 do not.
        var seven = Line with { VendorSku = "SW-48", Quantity = 7, BookCost = 1_400, AuthorizedCost = 1_000, ClaimedAmount = 2_800, InvoiceNumber = "INV-9" };
        RejectedFor(ClaimReason.QuantityExceeded, Decide(seven with { Quantity = 8, ClaimedAmount = 3_200 }, pa, known));
        Assert.Equal(ClaimLineStatus.Pending, Decide(seven, pa, known).Status);
        Assert.Equal(10m, known.Claimed[(pa.Id, 2)]);
        RejectedFor(ClaimReason.QuantityExceeded, Decide(seven with { InvoiceNumber = "INV-10", Quantity = 1 }, pa, known));
    }

    static ClaimLine Decided(int no, string status, decimal credit, string? reason = null) => new()
    {
        LineNo = no,
        PaNumber = "PA-2026-000042",
        AuthorizationId = Guid.NewGuid(),
        PaLineNo = 1,
        InvoiceNumber = $"INV-{no}",
        VendorSku = "RT-9000",
        Quantity = 1,
        ClaimedAmount = 1_800,
        AuthorizedCredit = 1_800,
        Status = status,
        Reason = reason,
        Credit = credit,
    };

    static readonly ClaimLine[] Lines =
    [
        Decided(1, ClaimLineStatus.Accepted, 1_800),
        Decided(2, ClaimLineStatus.Adjusted, 1_700, ClaimReason.AmountAdjusted),
        Decided(3, ClaimLineStatus.Rejected, 0, ClaimReason.CostMismatch),
        Decided(4, ClaimLineStatus.Pending, 0, ClaimReason.AwaitingSellThrough),
        Decided(5, ClaimLineStatus.Accepted, 500, ClaimReason.ManualOverride),
    ];

    static Claim Received() => Claim.Received(new Claim
    {
        Id = Guid.NewGuid(),
        ClaimNumber = "CLM-2026-0007",
        DistributorId = Distributor,
        Status = ClaimStatus.Validated,
        Currency = "USD",
        ReceivedAt = Monday,
        ReceivedBy = "dana",
        UpdatedAt = Monday,
        Version = 1,
    }, Lines);

    /// <summary>The next state of a move, as the commit path saves it: one version on, a minute later.</summary>
    static (Claim State, Moved<Claim> Moved) Next(Outcome<Claim> outcome) => Transitions.Move(outcome, c => c with { Version = c.Version + 1, UpdatedAt = c.UpdatedAt.AddMinutes(1) });

    static T Announced<T>(Moved<Claim> moved, Claim saved) where T : IClaimEvent
    {
        var announced = Assert.IsType<T>(moved.Announce(saved, saved.Version));
        Assert.Equal((saved.Id, saved.Version, saved.UpdatedAt), (announced.ClaimId, announced.Version, announced.OccurredAt));
        Assert.Equal(Json(saved.State()), Json(announced.Claim));
        return announced;
    }

    static void Refused(Outcome<Claim> outcome, string status, string title, string detail) => Transitions.Refused(outcome, status, title, detail);

    static string Json(object? value) => Transitions.Json(value);

    static (int, int, int, int, int, decimal, decimal) Tally(Claim c) =>
        (c.AcceptedLines, c.AdjustedLines, c.RejectedLines, c.PendingLines, c.DisputedLines, c.AcceptedCredit, c.OverrideCredit);

    [Fact]
    public void A_received_claim_is_tallied_from_its_lines_and_announced_with_each_decision()
    {
        var claim = Received();
        Assert.Equal((5, 9_000m), (claim.LineCount, claim.ClaimedAmount));
        Assert.Equal((2, 1, 1, 1, 0, 4_000m, 500m), Tally(claim));
        foreach (var property in typeof(ClaimState).GetProperties())
            Assert.True(Json(property.GetValue(claim.State())) == Json(typeof(Claim).GetProperty(property.Name)!.GetValue(claim)), property.Name);

        var received = claim.ReceivedEvent(Lines);
        Assert.Equal((claim.Id, 1, Monday, "dana"), (received.ClaimId, received.Version, received.OccurredAt, received.Actor));
        Assert.Equal(Json(claim.State()), Json(received.Claim));
        var second = received.Lines[1];
        Assert.Equal((2, "PA-2026-000042", Lines[1].AuthorizationId, "INV-2", "RT-9000", 1m, "adjusted", ClaimReason.AmountAdjusted, 1_700m),
            (second.LineNo, second.PaNumber, second.AuthorizationId, second.InvoiceNumber, second.VendorSku, second.Quantity, second.Status, second.Reason, second.Credit));
        Assert.Equal(5, received.Lines.Count);
    }

    [Fact]
    public void Lines_decided_again_move_the_tally_and_are_announced_alone()
    {
        var claim = Received();
        Refused(claim.Decide([], "sell_through_arrived", "pricing"), "validated", "A claim that is validated cannot be decided again.", "No line changed.");

        var granted = Lines[3].Granted(Now);
        var (decided, moved) = Next(claim.Decide([(Lines[3], granted)], "sell_through_arrived", "pricing"));
        Assert.Equal(("sell_through_arrived", (string?)null), (moved.Action, moved.Reason));
        Assert.Equal((3, 1, 1, 0, 0, 5_800m, 500m), Tally(decided));
        Assert.Equal([granted], decided.Changed);
        Assert.Equal(Json(new { lines = new[] { new { LineNo = 4, from = "pending", to = "accepted", Reason = (string?)null, Credit = 1_800m } } }), Json(moved.Changes));
        var announced = Announced<ClaimLinesDecided>(moved, decided);
        Assert.Equal("pricing", announced.Actor);
        Assert.Equal([4], announced.Lines.Select(l => l.LineNo));
    }

    [Fact]
    public void The_distributor_disputes_a_rejected_or_adjusted_line_with_its_comment()
    {
        var claim = Received();
        var (disputed, moved) = Next(claim.Dispute(Lines[2], "Book cost changed on 1 December", DistributorUser, Now));
        Assert.Equal(("line_disputed", "Book cost changed on 1 December"), (moved.Action, moved.Reason));
        Assert.Equal((2, 1, 0, 1, 1, 4_000m, 500m), Tally(disputed));
        var line = Assert.Single(disputed.Changed);
        Assert.Equal((ClaimLineStatus.Disputed, "rejected", ClaimReason.CostMismatch, "Book cost changed on 1 December", (DateTimeOffset?)Now),
            (line.Status, line.DisputedStatus, line.DisputedReason, line.DisputeComment, line.DisputedAt));
        Assert.Equal(((string?)null, (string?)null, (DateTimeOffset?)null), (line.Resolution, line.ResolvedBy, line.ResolvedAt));
        Assert.Equal("dana", Announced<ClaimLinesDecided>(moved, disputed).Actor);

        // Disputed again after an earlier resolution: that resolution is no longer current.
        var resolvedBefore = Lines[1] with { Resolution = "upheld", ResolvedBy = "morgan", ResolvedAt = Monday };
        var again = Assert.Single(Next(claim.Dispute(resolvedBefore, "Still wrong", DistributorUser, Now)).State.Changed);
        Assert.Equal(("adjusted", (string?)null, (string?)null), (again.DisputedStatus, again.Resolution, again.ResolvedBy));

        foreach (var line2 in new[] { Lines[0], Lines[3], line })
            Refused(claim.Dispute(line2, "no", DistributorUser, Now), line2.Status, $"A claim line that is {line2.Status} cannot be disputed.",
                "Only a rejected or adjusted line can be disputed.");
        var approved = claim with { Status = ClaimStatus.Approved };
        Refused(approved.Dispute(Lines[2], "late", DistributorUser, Now), "approved", "A claim that is approved cannot be disputed.",
            "Only a claim not yet approved can be disputed.");
    }

    [Fact]
    public void A_manager_accepts_a_disputed_line_as_an_override_or_upholds_it_as_decided()
    {
        var claim = Received();
        var (withDispute, _) = Next(claim.Dispute(Lines[2], "Book cost changed", DistributorUser, Monday));
        var disputed = withDispute.Changed[0];

        var (accepted, moved) = Next(withDispute.Resolve(disputed, accept: true, credit: 1_200, "Price list was late", Manager, Now));
        Assert.Equal(("line_resolved", "Price list was late"), (moved.Action, moved.Reason));
        var line = accepted.Changed[0];
        Assert.Equal((ClaimLineStatus.Accepted, ClaimReason.ManualOverride, 1_200m, true, "accepted", "morgan", (DateTimeOffset?)Now, Now),
            (line.Status, line.Reason, line.Credit, line.Reserved, line.Resolution, line.ResolvedBy, line.ResolvedAt, line.DecidedAt));
        Assert.Equal((3, 1, 0, 1, 0, 5_200m, 1_700m), Tally(accepted));
        Assert.Equal("morgan", Announced<ClaimLinesDecided>(moved, accepted).Actor);

        // Without a credit named: the authorized one. A duplicate never holds quantity; a line without a PA cannot.
        Assert.Equal(1_800m, Next(withDispute.Resolve(disputed, true, null, "ok", Manager, Now)).State.Changed[0].Credit);
        var duplicate = disputed with { DisputedReason = ClaimReason.DuplicateLine };
        Assert.False(Next(withDispute.Resolve(duplicate, true, null, "ok", Manager, Now)).State.Changed[0].Reserved);
        Assert.False(Next(withDispute.Resolve(disputed with { AuthorizationId = null }, true, null, "ok", Manager, Now)).State.Changed[0].Reserved);
        Assert.True(Next(withDispute.Resolve(duplicate with { Reserved = true }, true, null, "ok", Manager, Now)).State.Changed[0].Reserved);

        var (upheld, _) = Next(withDispute.Resolve(disputed, accept: false, credit: 1_200, "Cost was right", Manager, Now));
        var back = upheld.Changed[0];
        Assert.Equal((ClaimLineStatus.Rejected, ClaimReason.CostMismatch, 0m, "upheld", "morgan"), (back.Status, back.Reason, back.Credit, back.Resolution, back.ResolvedBy));
        Assert.Equal((2, 1, 1, 1, 0, 4_000m, 500m), Tally(upheld));
        var adjustedBefore = disputed with { DisputedStatus = ClaimLineStatus.Adjusted, DisputedReason = ClaimReason.AmountAdjusted, Credit = 1_700 };
        var adjustedAgain = Next(withDispute.Resolve(adjustedBefore, false, null, "ok", Manager, Now)).State.Changed[0];
        Assert.Equal((ClaimLineStatus.Adjusted, ClaimReason.AmountAdjusted), (adjustedAgain.Status, adjustedAgain.Reason));
        Assert.Equal(ClaimLineStatus.Rejected, Next(withDispute.Resolve(disputed with { DisputedStatus = null }, false, null, "ok", Manager, Now)).State.Changed[0].Status);

        Refused(withDispute.Resolve(Lines[0], true, null, "no", Manager, Now), "accepted", "A claim line that is accepted cannot be resolved.", "Only a disputed line is resolved.");
        Refused((withDispute with { Status = ClaimStatus.Settled }).Resolve(disputed, true, null, "no", Manager, Now), "settled",
            "A claim that is settled cannot be resolved.", "Claim CLM-2026-0007 is settled.");
    }

    [Fact]
    public void A_claim_is_approved_once_every_line_is_decided_and_then_settled_with_its_credit_memo()
    {
        var claim = Received();
        Refused(claim.Approve(Manager, Now), "validated", "A claim that is validated cannot be approved.", "1 lines are pending and 0 disputed: each must be decided first.");
        Refused((claim with { PendingLines = 0, DisputedLines = 2 }).Approve(Manager, Now), "validated", "A claim that is validated cannot be approved.",
            "0 lines are pending and 2 disputed: each must be decided first.");
        Refused(claim.Settle("CM-1", Manager, Now), "validated", "A claim that is validated cannot be settled.",
            "1 lines are pending and 0 disputed; a claim is approved, then settled.");
        Refused((claim with { PendingLines = 0, DisputedLines = 1 }).Settle("CM-1", Manager, Now), "validated", "A claim that is validated cannot be settled.",
            "0 lines are pending and 1 disputed; a claim is approved, then settled.");

        var ready = Next(claim.Decide([(Lines[3], Lines[3].Rejected(ClaimReason.NoSellThrough, Now))], "sell_through_timed_out", "timer")).State;
        Refused(ready.Settle("CM-1", Manager, Now), "validated", "A claim that is validated cannot be settled.", "A claim is approved for payment before it is settled.");

        var (approved, approving) = Next(ready.Approve(Manager, Now));
        Assert.Equal(("approved", (string?)null, ClaimStatus.Approved, "morgan", (DateTimeOffset?)Now), (approving.Action, approving.Reason, approved.Status, approved.ApprovedBy, approved.ApprovedAt));
        Assert.Empty(approved.Changed);
        Assert.Equal(Json(new { status = "approved", acceptedCredit = 4_000m }), Json(approving.Changes));
        Assert.Equal("morgan", Announced<ClaimApproved>(approving, approved).Actor);
        Refused(approved.Approve(Manager, Now), "approved", "A claim that is approved cannot be approved.", "Claim CLM-2026-0007 is approved.");

        var (settled, settling) = Next(approved.Settle("CM-2026-0091", Manager, Now.AddDays(1)));
        Assert.Equal(("settled", ClaimStatus.Settled, "CM-2026-0091", "morgan", (DateTimeOffset?)Now.AddDays(1)),
            (settling.Action, settled.Status, settled.CreditMemo, settled.SettledBy, settled.SettledAt));
        Assert.Equal(Json(new { status = "settled", creditMemo = "CM-2026-0091", credit = 4_000m }), Json(settling.Changes));
        Assert.Equal("morgan", Announced<ClaimSettled>(settling, settled).Actor);
        Refused(settled.Settle("CM-3", Manager, Now), "settled", "A claim that is settled cannot be settled.", "A claim is approved for payment before it is settled.");
    }

    [Fact]
    public void A_line_rejected_by_default_holds_nothing()
    {
        var line = Lines[0].Rejected(ClaimReason.NoSellThrough, Now);
        Assert.Equal((ClaimLineStatus.Rejected, 0m, false), (line.Status, line.Credit, line.Reserved));
        Assert.True(Lines[0].Rejected(ClaimReason.NoSellThrough, Now, reserved: true).Reserved);
    }
}
