using Channel.Contracts.Partners;
using Channel.Contracts.Pricing;
using Channel.Hosting.Auth;
using Channel.Messaging;
using Channel.Testing;

namespace Channel.Pricing.Tests;

/// <summary>
/// A price authorization's lifecycle and the pricing program's numbers as rules alone (no database, no broker): what
/// each transition decides, the history it writes, the event it announces and the words of each refusal. The fast tests
/// <c>./channel mutate pricing</c> runs its mutants against; the same lifecycle through the API is in
/// <see cref="IssuingPriceAuthorizations"/>, <see cref="BiddingForADeeperPrice"/> and <see cref="SuspendingForCompliance"/>.
/// </summary>
[Trait("Category", "Rules")]
public sealed class ChangingAPriceAuthorization
{
    static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    static readonly Caller Manager = new("morgan", Roles.ChannelManager, null, null);
    static readonly Caller SecondManager = new("riley", Roles.ChannelManager, null, null);

    static readonly AuthorizedPrice Rt9000 = new() { Sku = "RT-9000", ListPrice = 10_000, BookCost = 7_000, NetCost = 5_200 };
    static readonly AuthorizedPrice Sw24 = new() { Sku = "SW-24", ListPrice = 1_000, BookCost = 700, NetCost = 520 };
    static readonly AuthorizedPrice Sw48 = new() { Sku = "SW-48", ListPrice = 2_000, BookCost = 1_400, NetCost = 1_000 };

    /// <summary>A SKU line (four RT-9000 routers) and a family line (ten switches, either SKU).</summary>
    static readonly PriceAuthorizationLine[] lines =
    [
        new() { LineNo = 1, Sku = "RT-9000", ProductFamily = "routers", MaxQuantity = 4, DiscountPercent = 48, Currency = "USD", RegisteredAmount = 40_000, Prices = [Rt9000] },
        new() { LineNo = 2, ProductFamily = "switches", MaxQuantity = 10, DiscountPercent = 48, Currency = "USD", RegisteredAmount = 10_000, Prices = [Sw24, Sw48] },
    ];

    static PriceAuthorization Issued(string status = PriceAuthorizationStatus.Active) => new()
    {
        Id = Guid.NewGuid(),
        Number = "PA-2026-000042",
        DealId = Guid.NewGuid(),
        PartnerId = Guid.NewGuid(),
        CustomerName = "Northwind Clinics",
        CustomerCountry = "US",
        CustomerRegion = "WA",
        Status = status,
        Revision = 1,
        Tier = PartnerTier.Gold,
        IncumbentVendor = "Juniper",
        DealApprover = "morgan",
        ValidFrom = Monday,
        ValidUntil = Monday.AddDays(90),
        Currency = "USD",
        IssuedAt = Monday,
        UpdatedAt = Monday,
        Version = 1,
        LinesJson = PriceAuthorization.LinesOf(lines),
    };

    /// <summary>The next state of a move, as the commit path saves it: one version on, a minute later.</summary>
    static (PriceAuthorization State, Moved<PriceAuthorization> Moved) Move(Outcome<PriceAuthorization> outcome) => Transitions.Move(outcome, a => a with { Version = a.Version + 1, UpdatedAt = a.UpdatedAt.AddMinutes(1) });

    static T Announced<T>(Moved<PriceAuthorization> moved, PriceAuthorization saved) where T : IPriceAuthorizationEvent
    {
        var announced = Assert.IsType<T>(moved.Announce(saved, saved.Version));
        Assert.Equal((saved.Id, saved.Version, saved.UpdatedAt), (announced.AuthorizationId, announced.Version, announced.OccurredAt));
        Assert.Equal(Json(saved.State()), Json(announced.Authorization));
        return announced;
    }

    static void Refused(Outcome<PriceAuthorization> outcome, string status, string action, string? detail = null)
    {
        var refused = Assert.IsType<Refused<PriceAuthorization>>(outcome);
        Assert.Equal((status, $"A price authorization that is {status.Replace('_', ' ')} cannot be {action}.", detail ?? $"PA-2026-000042 is {status}."),
            (refused.CurrentStatus, refused.Title, refused.Detail));
    }

    static string Json(object? value) => Transitions.Json(value);

    static PriceAuthorization Suspended(PriceAuthorization pa, string hold = AuthorizationHolds.Deal, DateTimeOffset? at = null) =>
        Move(pa.Hold(hold, "Deal held for compliance review", "compliance", at ?? Monday.AddDays(10))).State;

    [Fact]
    public void A_sku_line_shows_its_skus_prices_and_a_family_line_none()
    {
        var read = Issued().Lines();
        Assert.Equal((10_000m, 7_000m, 5_200m), (read[0].ListPrice, read[0].BookCost, read[0].NetCost));
        Assert.Equal(((decimal?)null, (decimal?)null, (decimal?)null), (read[1].ListPrice, read[1].BookCost, read[1].NetCost));
        Assert.Equal(Json(lines.Select(l => l.Prices)), Json(read.Select(l => l.Prices)));

        // A SKU line whose SKU has no price of its own shows none; prices written on a family line are not kept.
        var odd = PriceAuthorization.LinesOf([lines[0] with { Sku = "RT-1" }, lines[1] with { ListPrice = 1, BookCost = 1, NetCost = 1 }]);
        var oddLines = (Issued() with { LinesJson = odd }).Lines();
        Assert.All(oddLines, l => Assert.Equal(((decimal?)null, (decimal?)null, (decimal?)null), (l.ListPrice, l.BookCost, l.NetCost)));
        Assert.Empty((Issued() with { LinesJson = "null" }).Lines());
        Assert.Empty(new PriceAuthorization().Lines());
        Assert.Empty(new PriceAuthorization().SuspensionSpans());
        Assert.Empty((Issued() with { Suspensions = "null" }).SuspensionSpans());
    }

    [Fact]
    public void Its_credit_is_book_less_net_times_the_most_a_family_line_at_its_dearest_sku_and_its_net_value_at_the_authorized_ratio()
    {
        // 4 × (7,000 − 5,200) + 10 × max(700 − 520, 1,400 − 1,000).
        Assert.Equal(7_200m + 4_000m, PriceAuthorization.CreditOf(lines));
        // 40,000 × 0.52 + 10,000 × average(0.52, 0.50).
        Assert.Equal(20_800m + 5_100m, PriceAuthorization.NetValueOf(lines));

        var unpriced = lines[1] with { Prices = [] };
        Assert.Equal(0m, PriceAuthorization.CreditOf([unpriced]));
        Assert.Equal(10_000m, PriceAuthorization.NetValueOf([unpriced]));
        var free = lines[1] with { Prices = [Sw24 with { ListPrice = 0 }] };
        Assert.Equal(10_000m, PriceAuthorization.NetValueOf([free]));
        var third = lines[1] with { RegisteredAmount = 100, Prices = [Sw24 with { ListPrice = 3, NetCost = 1 }] };
        Assert.Equal(33.33m, PriceAuthorization.NetValueOf([third]));
        Assert.Equal(66.67m, PriceAuthorization.NetValueOf([third with { RegisteredAmount = 200 }]));
    }

    [Fact]
    public void Its_state_for_readers_carries_its_fields_its_lines_and_their_sums()
    {
        var pa = Suspended(Issued()) with { RevokedAt = Monday.AddDays(3), RevokedReason = "test" };
        var state = pa.State();
        foreach (var property in typeof(PriceAuthorizationState).GetProperties()
            .Where(p => p.Name is not (nameof(PriceAuthorizationState.Lines) or nameof(PriceAuthorizationState.AuthorizedCredit)
                or nameof(PriceAuthorizationState.RegisteredValue) or nameof(PriceAuthorizationState.NetValue))))
            Assert.True(Json(property.GetValue(state)) == Json(typeof(PriceAuthorization).GetProperty(property.Name)!.GetValue(pa)), property.Name);
        Assert.Equal(Json(pa.Lines()), Json(state.Lines));
        Assert.Equal((11_200m, 50_000m, 25_900m), (state.AuthorizedCredit, state.RegisteredValue, state.NetValue));

        var fresh = Issued();
        var issued = fresh.Issued();
        Assert.Equal((fresh.Id, 1, Monday), (issued.AuthorizationId, issued.Version, issued.OccurredAt));
        Assert.Equal(Json(fresh.State()), Json(issued.Authorization));
    }

    [Theory]
    [InlineData(PriceAuthorizationStatus.PendingApproval, true, true)]
    [InlineData(PriceAuthorizationStatus.Active, true, true)]
    [InlineData(PriceAuthorizationStatus.Suspended, false, true)]
    [InlineData(PriceAuthorizationStatus.Consumed, false, false)]
    [InlineData(PriceAuthorizationStatus.Expired, false, false)]
    [InlineData(PriceAuthorizationStatus.Revoked, false, false)]
    public void Live_is_waiting_or_active_and_open_is_live_or_suspended(string status, bool live, bool open) =>
        Assert.Equal((live, open), (Issued(status).IsLive, Issued(status).IsOpen));

    [Fact]
    public void A_second_manager_approves_a_pending_authorization()
    {
        var (active, moved) = Move(Issued(PriceAuthorizationStatus.PendingApproval).Approve(SecondManager));
        Assert.Equal(("approved", (string?)null, PriceAuthorizationStatus.Active, "riley"), (moved.Action, moved.Reason, active.Status, active.ApprovedBy));
        Assert.Equal(Json(new { status = "active" }), Json(moved.Changes));
        Assert.Equal("riley", Announced<PriceAuthorizationApproved>(moved, active).Actor);

        Refused(active.Approve(SecondManager), "active", "approved");
    }

    [Theory]
    [InlineData(PriceAuthorizationStatus.PendingApproval)]
    [InlineData(PriceAuthorizationStatus.Active)]
    [InlineData(PriceAuthorizationStatus.Suspended)]
    [InlineData(PriceAuthorizationStatus.Consumed)]
    public void An_open_or_consumed_authorization_is_extended_to_a_later_end(string status)
    {
        var pa = Issued(status);
        var (extended, moved) = Move(pa.Extend(Monday.AddDays(180)));
        Assert.Equal(("extended", status, Monday.AddDays(180)), (moved.Action, extended.Status, extended.ValidUntil));
        Assert.Equal(Json(new { validUntil = Monday.AddDays(180) }), Json(moved.Changes));
        Announced<PriceAuthorizationExtended>(moved, extended);

        Refused(pa.Extend(Monday.AddDays(90)), status, "extended", $"It is already valid until {Monday.AddDays(90):O}.");
    }

    [Theory]
    [InlineData(PriceAuthorizationStatus.Expired)]
    [InlineData(PriceAuthorizationStatus.Revoked)]
    public void A_closed_authorization_is_not_extended_revoked_held_or_expired(string status)
    {
        var pa = Issued(status);
        Refused(pa.Extend(Monday.AddDays(180)), status, "extended");
        Refused(pa.Revoke("again", "morgan", Monday), status, "revoked");
        Refused(pa.Hold(AuthorizationHolds.Deal, "held", "compliance", Monday), status, "suspended");
        Refused(pa.Expire(Monday.AddDays(365)), status, "expired");
    }

    [Fact]
    public void Revoking_ends_it_with_its_reason_and_closes_any_suspension()
    {
        var suspended = Suspended(Issued(), at: Monday.AddDays(10));
        var (revoked, moved) = Move(suspended.Revoke("Deal lost", "morgan", Monday.AddDays(12)));

        Assert.Equal(("revoked", "Deal lost"), (moved.Action, moved.Reason));
        Assert.Equal((PriceAuthorizationStatus.Revoked, Monday.AddDays(12), "Deal lost", 0, (string?)null),
            (revoked.Status, revoked.RevokedAt, revoked.RevokedReason, revoked.Holds.Length, revoked.ResumeTo));
        Assert.Equal([new PriceAuthorization.Suspension(Monday.AddDays(10), Monday.AddDays(12), "Deal held for compliance review")], revoked.SuspensionSpans());
        Assert.Equal(Json(new { status = "revoked" }), Json(moved.Changes));
        var announced = Announced<PriceAuthorizationRevoked>(moved, revoked);
        Assert.Equal(("morgan", "Deal lost"), (announced.Actor, announced.Reason));
    }

    [Theory]
    [InlineData(PriceAuthorizationStatus.Active)]
    [InlineData(PriceAuthorizationStatus.PendingApproval)]
    public void A_compliance_hold_suspends_a_live_authorization_and_remembers_what_it_was(string status)
    {
        var (suspended, moved) = Move(Issued(status).Hold(AuthorizationHolds.Partner, "Partner on hold", "compliance", Monday.AddDays(10)));

        Assert.Equal(("suspended", "Partner on hold"), (moved.Action, moved.Reason));
        Assert.Equal((PriceAuthorizationStatus.Suspended, status, Monday.AddDays(10), "Partner on hold"),
            (suspended.Status, suspended.ResumeTo, suspended.SuspendedAt, suspended.SuspendedReason));
        Assert.Equal(["partner"], suspended.Holds);
        Assert.Equal([new PriceAuthorization.Suspension(Monday.AddDays(10), null, "Partner on hold")], suspended.SuspensionSpans());
        Assert.Equal(Json(new { status = "suspended", hold = "partner", holds = new[] { "partner" } }), Json(moved.Changes));
        var announced = Announced<PriceAuthorizationSuspended>(moved, suspended);
        Assert.Equal(("compliance", "partner", "Partner on hold", false), (announced.Actor, announced.Hold, announced.Reason, announced.Cleared));
    }

    [Fact]
    public void Each_hold_is_kept_and_lifted_on_its_own_and_the_last_one_lifted_resumes_it_as_it_was()
    {
        var once = Suspended(Issued(PriceAuthorizationStatus.PendingApproval), AuthorizationHolds.Deal, Monday.AddDays(10));
        Refused(once.Hold(AuthorizationHolds.Deal, "again", "compliance", Monday.AddDays(11)), "suspended", "suspended", "It is already held (deal).");

        var (twice, holding) = Move(once.Hold(AuthorizationHolds.Authorization, "Customer listed", "compliance", Monday.AddDays(11)));
        Assert.Equal(["deal", "authorization"], twice.Holds);
        Assert.Equal((PriceAuthorizationStatus.PendingApproval, Monday.AddDays(10), "Deal held for compliance review"),
            (twice.ResumeTo, twice.SuspendedAt, twice.SuspendedReason));
        Assert.Single(twice.SuspensionSpans());
        Assert.Equal(Json(new { status = "suspended", hold = "authorization", holds = new[] { "deal", "authorization" } }), Json(holding.Changes));

        var (stillHeld, clearing) = Move(twice.Release(AuthorizationHolds.Deal, "riley", Monday.AddDays(12)));
        Assert.Equal(("hold_cleared", (string?)null, PriceAuthorizationStatus.Suspended), (clearing.Action, clearing.Reason, stillHeld.Status));
        Assert.Equal(["authorization"], stillHeld.Holds);
        Assert.Equal(Json(new { cleared = "deal", holds = new[] { "authorization" } }), Json(clearing.Changes));
        var cleared = Announced<PriceAuthorizationSuspended>(clearing, stillHeld);
        Assert.Equal(("riley", "deal", true), (cleared.Actor, cleared.Hold, cleared.Cleared));
        Assert.Equal("Deal held for compliance review (the deal hold is cleared; the authorization hold remains)", cleared.Reason);
        Refused(stillHeld.Release(AuthorizationHolds.Deal, "riley", Monday.AddDays(12)), "suspended", "released", "It is not held (deal).");
        var thrice = Move(twice.Hold(AuthorizationHolds.Partner, "Partner on hold", "compliance", Monday.AddDays(11))).State;
        Assert.Equal("Deal held for compliance review (the deal hold is cleared; the authorization and partner holds remain)",
            Assert.IsType<PriceAuthorizationSuspended>(Move(thrice.Release(AuthorizationHolds.Deal, "riley", Monday.AddDays(12))).Moved.Announce(thrice, 9)).Reason);

        var (resumed, resuming) = Move(stillHeld.Release(AuthorizationHolds.Authorization, "riley", Monday.AddDays(14)));
        Assert.Equal(("resumed", (string?)null), (resuming.Action, resuming.Reason));
        Assert.Equal((PriceAuthorizationStatus.PendingApproval, (string?)null, 0, (DateTimeOffset?)null, (string?)null),
            (resumed.Status, resumed.ResumeTo, resumed.Holds.Length, resumed.SuspendedAt, resumed.SuspendedReason));
        Assert.Equal([new PriceAuthorization.Suspension(Monday.AddDays(10), Monday.AddDays(14), "Deal held for compliance review")], resumed.SuspensionSpans());
        Assert.Equal(Json(new { status = "pending_approval", cleared = "authorization" }), Json(resuming.Changes));
        Assert.Equal("riley", Announced<PriceAuthorizationResumed>(resuming, resumed).Actor);

        Refused(resumed.Release(AuthorizationHolds.Deal, "riley", Monday.AddDays(15)), "pending_approval", "released", "It is not held (deal).");
        // One stored before the status it resumes to was kept goes back to active.
        Assert.Equal(PriceAuthorizationStatus.Active, Move((once with { ResumeTo = null }).Release(AuthorizationHolds.Deal, "riley", Monday)).State.Status);
    }

    [Fact]
    public void A_second_suspension_adds_a_span_and_sales_on_its_days_fall_inside_one()
    {
        var first = Move(Suspended(Issued(), at: new DateTimeOffset(2026, 12, 1, 22, 0, 0, TimeSpan.FromHours(-5))).Release(AuthorizationHolds.Deal, "riley",
            new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero))).State;
        var again = Suspended(first, at: new DateTimeOffset(2026, 12, 10, 9, 0, 0, TimeSpan.Zero));
        Assert.Equal([new DateTimeOffset(2026, 12, 1, 22, 0, 0, TimeSpan.FromHours(-5)), new DateTimeOffset(2026, 12, 10, 9, 0, 0, TimeSpan.Zero)],
            again.SuspensionSpans().Select(s => s.From));
        // Revoking ends the open span only; the first keeps its end.
        Assert.Equal([new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 12, 0, 0, 0, TimeSpan.Zero)],
            Move(again.Revoke("Deal lost", "morgan", new DateTimeOffset(2026, 12, 12, 0, 0, 0, TimeSpan.Zero))).State.SuspensionSpans().Select(s => s.Until));

        // The first span is 2 to 3 December in UTC (22:00 in New York on the 1st is the 2nd in UTC); the second is still open.
        Assert.Equal([false, true, true, false, false, true, true],
            new[] { 1, 2, 3, 4, 9, 10, 31 }.Select(d => again.SuspendedOn(new DateOnly(2026, 12, d))));
        Assert.False(Issued().SuspendedOn(new DateOnly(2026, 12, 2)));
    }

    [Fact]
    public void Its_validity_ending_expires_an_open_authorization_and_closes_its_holds()
    {
        var suspended = Suspended(Issued(), at: Monday.AddDays(10));
        var end = suspended.ValidUntil;
        Refused(suspended.Expire(end.AddTicks(-1)), "suspended", "expired");

        var (expired, moved) = Move(suspended.Expire(end));
        Assert.Equal(("expired", (string?)null), (moved.Action, moved.Reason));
        Assert.Equal((PriceAuthorizationStatus.Expired, 0, (string?)null), (expired.Status, expired.Holds.Length, expired.ResumeTo));
        Assert.Equal(end, expired.SuspensionSpans().Single().Until);
        Assert.Equal(Json(new { validUntil = end }), Json(moved.Changes));
        Announced<PriceAuthorizationExpired>(moved, expired);

        Refused(Issued(PriceAuthorizationStatus.Consumed).Expire(end), "consumed", "expired");
    }

    [Fact]
    public void Claimed_quantity_consumes_an_authorization_when_all_is_claimed_and_gives_it_back_when_released()
    {
        var (partly, moved) = Move(Issued().Claimed(new Dictionary<int, decimal> { [1] = 4 }, Monday.AddDays(5)));
        Assert.Equal(("claimed", PriceAuthorizationStatus.Active), (moved.Action, partly.Status));
        Assert.Equal([4m, 0m], partly.Lines().Select(l => l.ClaimedQuantity));
        Assert.Equal(Json(new { status = "active", claimed = new[] { new { LineNo = 1, ClaimedQuantity = 4m }, new { LineNo = 2, ClaimedQuantity = 0m } } }),
            Json(moved.Changes));
        Announced<PriceAuthorizationClaimed>(moved, partly);

        // Line 1 keeps its four; line 2 claims more than its ten.
        var (consumed, _) = Move(partly.Claimed(new Dictionary<int, decimal> { [2] = 11 }, Monday.AddDays(6)));
        Assert.Equal(PriceAuthorizationStatus.Consumed, consumed.Status);
        Assert.Equal([4m, 11m], consumed.Lines().Select(l => l.ClaimedQuantity));
        Assert.Equal(PriceAuthorizationStatus.Consumed, Move(partly.Claimed(new Dictionary<int, decimal> { [2] = 10 }, Monday)).State.Status);

        Assert.Equal(PriceAuthorizationStatus.Active, Move(consumed.Claimed(new Dictionary<int, decimal> { [2] = 9 }, consumed.ValidUntil.AddTicks(-1))).State.Status);
        Assert.Equal(PriceAuthorizationStatus.Expired, Move(consumed.Claimed(new Dictionary<int, decimal> { [2] = 9 }, consumed.ValidUntil)).State.Status);
        Assert.Equal(PriceAuthorizationStatus.Consumed, Move(consumed.Claimed(new Dictionary<int, decimal> { [2] = 10 }, Monday)).State.Status);

        // Neither active nor consumed: the status stays whatever is claimed.
        var suspended = Suspended(Issued());
        Assert.Equal(PriceAuthorizationStatus.Suspended, Move(suspended.Claimed(new Dictionary<int, decimal> { [1] = 4, [2] = 10 }, Monday)).State.Status);
    }

    static readonly SpecialBid Bid = new()
    {
        BidId = Guid.NewGuid(),
        RequestedBy = "pat",
        RequestedRole = Roles.Partner,
        Competitor = "Juniper",
        Justification = "Juniper quoted 12% lower",
        Lines = [new() { LineNo = 1, Sku = "RT-9000", RequestedNetCost = 4_600 }],
    };

    [Fact]
    public void A_special_bid_is_asked_for_on_an_active_authorization_and_may_be_rejected()
    {
        var active = Issued();
        var (asked, moved) = Move(active.RequestBid(Bid));
        Assert.Equal(("special_bid_requested", "Juniper quoted 12% lower", PriceAuthorizationStatus.Active), (moved.Action, moved.Reason, asked.Status));
        Assert.Equal(Json(new { specialBid = Bid.BidId, Bid.Competitor, lines = Bid.Lines }), Json(moved.Changes));
        Assert.Same(Bid, Announced<SpecialBidRequested>(moved, asked).Bid);
        Refused(Issued(PriceAuthorizationStatus.PendingApproval).RequestBid(Bid), "pending_approval", "given a special bid",
            "Only an active price authorization takes a special bid.");

        var (rejected, rejecting) = Move(asked.RejectBid(Bid.BidId, "Below the floor", Manager));
        Assert.Equal(("special_bid_rejected", "Below the floor", 1), (rejecting.Action, rejecting.Reason, rejected.Revision));
        Assert.Equal(Json(new { specialBid = Bid.BidId }), Json(rejecting.Changes));
        var announced = Announced<SpecialBidRejected>(rejecting, rejected);
        Assert.Equal(("morgan", Bid.BidId, "Below the floor"), (announced.Actor, announced.SpecialBidId, announced.Reason));
    }

    [Theory]
    [InlineData(false, "special_bid_approved")]
    [InlineData(true, "special_bid_countered")]
    public void An_approved_or_countered_bid_gives_its_skus_new_net_costs_in_the_next_revision(bool countered, string action)
    {
        var netCosts = new Dictionary<(int Line, string Sku), decimal> { [(1, "RT-9000")] = 4_650, [(2, "SW-48")] = 900, [(1, "SW-48")] = 1 };
        var (revised, moved) = Move(Issued().Revise(netCosts, Bid.BidId, countered, Manager));

        Assert.Equal((action, (string?)null, 2), (moved.Action, moved.Reason, revised.Revision));
        var read = revised.Lines();
        Assert.Equal((4_650m, 53.5m), (read[0].NetCost, read[0].DiscountPercent));
        Assert.Equal([520m, 900m], read[1].Prices.Select(p => p.NetCost));
        Assert.Equal(48m, read[1].DiscountPercent);
        Assert.Equal(Json(new
        {
            revision = 2,
            specialBid = Bid.BidId,
            netCosts = new object[] { new { line = 1, sku = "RT-9000", netCost = 4_650m }, new { line = 2, sku = "SW-48", netCost = 900m }, new { line = 1, sku = "SW-48", netCost = 1m } },
        }), Json(moved.Changes));
        var announced = Announced<PriceAuthorizationRevised>(moved, revised);
        Assert.Equal(("morgan", (Guid?)Bid.BidId, countered), (announced.Actor, announced.SpecialBidId, announced.Countered));

        // A SKU line without a list price keeps its discount; a price a third of the way down is rounded to three places.
        var unlisted = Issued() with { LinesJson = PriceAuthorization.LinesOf([lines[0] with { Prices = [Rt9000 with { ListPrice = 0 }] }]) };
        Assert.Equal(48m, Move(unlisted.Revise(netCosts, Bid.BidId, countered, Manager)).State.Lines()[0].DiscountPercent);
        var third = Issued() with { LinesJson = PriceAuthorization.LinesOf([lines[0] with { Prices = [Rt9000 with { ListPrice = 3 }] }]) };
        Assert.Equal(66.667m, Move(third.Revise(new Dictionary<(int, string), decimal> { [(1, "RT-9000")] = 1 }, Bid.BidId, countered, Manager)).State.Lines()[0].DiscountPercent);

        Refused(Issued(PriceAuthorizationStatus.Suspended).Revise(netCosts, Bid.BidId, countered, Manager), "suspended", "revised",
            "Only an active price authorization takes new prices.");
    }

    [Theory]
    [InlineData(PartnerTier.Registered, null, 40)]
    [InlineData(PartnerTier.Silver, "Initech", 44)]
    [InlineData(PartnerTier.Gold, " juniper ", 53)]
    [InlineData(PartnerTier.Platinum, "HPE ARUBA", 57)]
    [InlineData("diamond", "Cisco", 45)]
    [InlineData("diamond", null, 40)]
    public void A_tier_earns_its_discount_and_a_named_competitor_the_bonus(string tier, string? incumbent, int discount) =>
        Assert.Equal(discount, new PricingRules().DiscountFor(tier, incumbent));

    [Fact]
    public void The_programs_defaults()
    {
        var rules = new PricingRules();
        Assert.Equal((5m, 55m, 10_000m, 90, 60, 0.01m, 50_000, TimeSpan.FromSeconds(30)),
            (rules.CompetitiveBonus, rules.SecondApprovalAbove, rules.MinimumDealValue, rules.ClaimWindowDays, rules.SellThroughWaitDays,
                rules.CostTolerance, rules.MaxClaimLines, rules.TimerInterval));
        Assert.Equal(["Cisco", "Juniper", "Arista", "HPE Aruba", "Fortinet", "Extreme Networks", "Ubiquiti"], rules.CompetitiveVendors);
        Assert.False(rules.IsCompetitive(null));
        Assert.False(rules.IsCompetitive("Junip"));
        Assert.True(new PricingRules { CompetitiveVendors = [" Acme "] }.IsCompetitive("acme"));
    }

    [Theory]
    [InlineData(10_000, 7_000, 48, 5_200)]
    [InlineData(10_000, 5_000, 48, 5_000)] // never above the book cost
    [InlineData(99.99, 99, 33.3, 66.69)]
    [InlineData(0.25, 1, 50, 0.13)] // half a cent rounds away from zero
    public void The_net_cost_is_list_less_the_discount_never_above_book(decimal list, decimal book, decimal discount, decimal net) =>
        Assert.Equal(net, PricingRules.NetCost(list, book, discount));
}
