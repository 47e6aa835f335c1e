using Channel.Contracts.Compliance;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Messaging;
using Channel.Partners.Screening;
using Channel.Testing;

namespace Channel.Partners.Tests;

/// <summary>
/// A partner's lifecycle as rules alone (no database, no broker): what each transition decides, the history it writes,
/// the event it announces and the words of each refusal; how applicants' names and domains are compared. The fast tests
/// <c>./channel mutate partners</c> runs its mutants against; the same lifecycle through the API is in
/// <see cref="ReviewingApplications"/>, <see cref="ManagingActivePartners"/> and <see cref="ScreeningPartners"/>.
/// </summary>
[Trait("Category", "Rules")]
public sealed class ChangingAPartner
{
    static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    static readonly Caller Manager = new("morgan", Roles.ChannelManager, null, null);
    static readonly PartnerUser Alex = new() { UserId = Guid.NewGuid(), Name = "Alex Kim", Email = "alex@rio.example", Role = "partner-sales" };

    static Partner Application(string status = PartnerStatus.Applied) => new()
    {
        Id = Guid.NewGuid(),
        LegalName = "Rio Grande Integrators LLC",
        NormalizedName = "rio grande integrators",
        Country = "US",
        Region = "TX",
        WebsiteDomain = "riogrande.example",
        DomainSkeleton = "riogrande.example",
        PartnerType = "var",
        ContactName = "Dana Ruiz",
        ContactEmail = "dana@riogrande.example",
        AgreementVersion = "2026-01",
        Status = status,
        AppliedAt = Monday,
        UpdatedAt = Monday,
        Version = 1,
        ScreeningSequence = 2,
    };

    /// <summary>The next state of a move, as the commit path saves it: one version on, a minute later.</summary>
    static (Partner State, Moved<Partner> Moved) Move(Outcome<Partner> outcome) => Transitions.Move(outcome, p => p with { Version = p.Version + 1, UpdatedAt = p.UpdatedAt.AddMinutes(1) });

    static T Announced<T>(Moved<Partner> moved, Partner saved) where T : IPartnerEvent
    {
        var announced = Assert.IsType<T>(moved.Announce(saved, saved.Version));
        Assert.Equal((saved.Id, saved.Version, saved.UpdatedAt), (announced.PartnerId, announced.Version, announced.OccurredAt));
        Assert.Equal(Json(saved.State()), Json(announced.Partner));
        return announced;
    }

    static void Refused(Outcome<Partner> outcome, string status, string title, string detail) => Transitions.Refused(outcome, status, title, detail);

    static void Refused(Outcome<Partner> outcome, Partner partner, string action) =>
        Refused(outcome, partner.Status, $"A partner that is {partner.Status} cannot be {action}.", $"Partner {partner.Id} is {partner.Status}.");

    static string Json(object? value) => Transitions.Json(value);

    static Partner Active() => Move(Application().Approve(PartnerTier.Silver, Manager)).State;

    static Partner HeldByCompliance(Partner partner, string outcome = ScreeningOutcome.Review) =>
        Move(partner.Screened(outcome, "Name matches a listed party", partner.ScreeningSequence + 1, "compliance")).State;

    static Partner LookAlike() => Move(Application().PlaceOnHold("Looks like Rio Grande Integrators Inc (riogrande.example)")).State;

    [Fact]
    public void Its_state_for_readers_and_its_contact_are_the_partners_own_fields()
    {
        var partner = Active() with { Tier = PartnerTier.Gold };
        var state = partner.State();
        foreach (var property in typeof(PartnerState).GetProperties())
            Assert.True(Json(property.GetValue(state)) == Json(typeof(Partner).GetProperty(property.Name)!.GetValue(partner)), property.Name);
        Assert.Equal(("Dana Ruiz", "dana@riogrande.example"), (partner.Contact().Name, partner.Contact().Email));

        var summary = PartnerSummary.Of(partner);
        Assert.Equal((partner.Id, "Rio Grande Integrators LLC", "US", "TX", "riogrande.example", "var", "active", "gold"),
            (summary.Id, summary.LegalName, summary.Country, summary.Region, summary.WebsiteDomain, summary.PartnerType, summary.Status, summary.Tier));
    }

    [Fact]
    public void An_application_announces_itself_with_who_applied()
    {
        var partner = Application();
        var applied = Partner.Applied(partner, "dana");
        Assert.Equal((partner.Id, 1, Monday, "dana"), (applied.PartnerId, applied.Version, applied.OccurredAt, applied.Actor));
        Assert.Equal(Json(partner.State()), Json(applied.Partner));
        Assert.Equal(Json(partner.Contact()), Json(applied.Contact));
    }

    [Fact]
    public void An_application_that_looks_like_a_partner_waits_on_hold_for_a_manager_who_clears_it()
    {
        var (held, moved) = Move(Application().PlaceOnHold("Looks like Rio Grande Integrators Inc"));
        Assert.Equal(("placed_on_hold", "Looks like Rio Grande Integrators Inc"), (moved.Action, moved.Reason));
        Assert.Equal((PartnerStatus.OnHold, "Looks like Rio Grande Integrators Inc", "Looks like Rio Grande Integrators Inc"),
            (held.Status, held.HoldReason, held.LookAlikeReason));
        Assert.Equal(Json(new { status = "on_hold" }), Json(moved.Changes));
        var announced = Announced<PartnerPlacedOnHold>(moved, held);
        Assert.Equal(("screening", "Looks like Rio Grande Integrators Inc"), (announced.Actor, announced.Reason));

        var (cleared, clearing) = Move(held.ClearHold("A different company in Austin", Manager));
        Assert.Equal(("hold_cleared", "A different company in Austin"), (clearing.Action, clearing.Reason));
        Assert.Equal((PartnerStatus.Applied, (string?)null, (string?)null), (cleared.Status, cleared.HoldReason, cleared.LookAlikeReason));
        Assert.Equal(Json(new { status = "applied" }), Json(clearing.Changes));
        var clearedEvent = Announced<PartnerHoldCleared>(clearing, cleared);
        Assert.Equal(("morgan", "A different company in Austin"), (clearedEvent.Actor, clearedEvent.Reason));

        Refused(cleared.ClearHold("again", Manager), cleared, "cleared of a hold");
        var active = Active();
        Refused(active.PlaceOnHold("late"), active, "placed on hold");
    }

    [Theory]
    [InlineData(ScreeningOutcome.Review)]
    [InlineData(ScreeningOutcome.Block)]
    public void A_managers_clear_and_reinstate_are_refused_while_compliance_holds_the_partner(string outcome)
    {
        var held = HeldByCompliance(Application(), outcome);
        Refused(held.ClearHold("looks fine", Manager), "on_hold", "Compliance screening holds this partner.",
            "Name matches a listed party. A compliance officer decides in the compliance queue.");

        var suspended = HeldByCompliance(Move(Active().Suspend("Unpaid fees", Manager)).State, outcome);
        Assert.Equal(PartnerStatus.Suspended, suspended.Status);
        Refused(suspended.Reinstate(null, Manager), "suspended", "Compliance screening holds this partner.",
            "Name matches a listed party. It can be reinstated once a compliance officer clears it.");
    }

    [Fact]
    public void A_screening_no_newer_than_the_last_is_refused()
    {
        var partner = Application();
        Refused(partner.Screened(ScreeningOutcome.Review, "late", 2, "compliance"), "applied", "An older screening decision.", "Screening 2 is not newer than 2.");
        Assert.Equal(3, Move(partner.Screened(ScreeningOutcome.Clear, "clear", 3, "compliance")).State.ScreeningSequence);
    }

    [Theory]
    [InlineData(PartnerStatus.Applied, ScreeningOutcome.Review)]
    [InlineData(PartnerStatus.Active, ScreeningOutcome.Block)]
    public void A_compliance_hold_puts_an_application_or_an_active_partner_on_hold(string status, string outcome)
    {
        var partner = status == PartnerStatus.Active ? Active() : Application();
        var (held, moved) = Move(partner.Screened(outcome, "Domain on the Entity List", 9, "compliance"));

        Assert.Equal(("placed_on_hold", "Domain on the Entity List"), (moved.Action, moved.Reason));
        Assert.Equal((PartnerStatus.OnHold, "Domain on the Entity List", outcome, "Domain on the Entity List", 9L, (string?)null),
            (held.Status, held.HoldReason, held.Screening, held.ScreeningReason, held.ScreeningSequence, held.LookAlikeReason));
        Assert.Equal(Json(new { status = new { from = status, to = "on_hold" }, screening = outcome }), Json(moved.Changes));
        var announced = Announced<PartnerPlacedOnHold>(moved, held);
        Assert.Equal(("compliance", "Domain on the Entity List"), (announced.Actor, announced.Reason));
    }

    [Theory]
    [InlineData(false, PartnerStatus.Applied)]
    [InlineData(true, PartnerStatus.Active)]
    public void Compliance_clearing_its_own_hold_puts_the_partner_back_where_it_was(bool wasActive, string back)
    {
        var held = HeldByCompliance(wasActive ? Active() : Application());
        var (cleared, moved) = Move(held.Screened(ScreeningOutcome.Clear, "Cleared by riley: a different company", 10, "riley"));

        Assert.Equal(("hold_cleared", "Cleared by riley: a different company"), (moved.Action, moved.Reason));
        Assert.Equal((back, (string?)null, ScreeningOutcome.Clear, (string?)null), (cleared.Status, cleared.HoldReason, cleared.Screening, cleared.ScreeningReason));
        Assert.Equal(Json(new { status = new { from = "on_hold", to = back }, screening = "clear" }), Json(moved.Changes));
        var announced = Announced<PartnerHoldCleared>(moved, cleared);
        Assert.Equal(("riley", "Cleared by riley: a different company"), (announced.Actor, announced.Reason));
    }

    [Fact]
    public void Compliance_clearing_an_application_a_manager_also_holds_leaves_the_look_alike_hold()
    {
        var held = HeldByCompliance(LookAlike());
        Assert.Equal((PartnerStatus.OnHold, ScreeningOutcome.Review), (held.Status, held.Screening));
        Assert.Equal("Looks like Rio Grande Integrators Inc (riogrande.example)", held.HoldReason);

        var (cleared, moved) = Move(held.Screened(ScreeningOutcome.Clear, "Cleared", 10, "riley"));
        Assert.Equal(("screened", (string?)null), (moved.Action, moved.Reason));
        Assert.Equal((PartnerStatus.OnHold, "Looks like Rio Grande Integrators Inc (riogrande.example)", ScreeningOutcome.Clear, (string?)null),
            (cleared.Status, cleared.HoldReason, cleared.Screening, cleared.ScreeningReason));
        Assert.Equal(Json(new { screening = "clear", stillHeld = "Looks like Rio Grande Integrators Inc (riogrande.example)" }), Json(moved.Changes));
        var announced = Announced<PartnerScreened>(moved, cleared);
        Assert.Equal(("riley", "clear", "Cleared"), (announced.Actor, announced.Outcome, announced.Reason));

        // The manager's hold is theirs to clear now.
        Assert.Equal(PartnerStatus.Applied, Move(cleared.ClearHold("A different company", Manager)).State.Status);
    }

    [Fact]
    public void A_further_hold_on_a_partner_compliance_holds_keeps_it_on_hold_with_the_stricter_outcome()
    {
        var (blocked, moved) = Move(HeldByCompliance(Application()).Screened(ScreeningOutcome.Block, "Now on the Entity List", 20, "compliance"));
        Assert.Equal((PartnerStatus.OnHold, ScreeningOutcome.Block, "Now on the Entity List"), (blocked.Status, blocked.Screening, blocked.ScreeningReason));
        Assert.Equal(("screened", "Now on the Entity List"), (moved.Action, moved.Reason));
        Assert.Equal(Json(new { screening = "block" }), Json(moved.Changes));

        // Held as a look-alike too: both holds stay.
        var (both, again) = Move(HeldByCompliance(LookAlike()).Screened(ScreeningOutcome.Block, "Now on the Entity List", 20, "compliance"));
        Assert.Equal((PartnerStatus.OnHold, ScreeningOutcome.Block, "screened", "Now on the Entity List"), (both.Status, both.Screening, again.Action, again.Reason));
        Assert.Equal(Json(new { screening = "block" }), Json(again.Changes));
        Assert.Equal("Looks like Rio Grande Integrators Inc (riogrande.example)", both.LookAlikeReason);
    }

    [Fact]
    public void A_partner_is_one_of_the_programs_four_types() => Assert.Equal(["var", "msp", "si", "reseller"], PartnerTypes.All);

    [Fact]
    public void Any_other_decision_is_recorded_and_announced_without_moving_the_partner()
    {
        // A clean screening of a look-alike application: the manager's hold is not compliance's to lift.
        var (lookAlike, moved) = Move(LookAlike().Screened(ScreeningOutcome.Clear, "No match", 5, "compliance"));
        Assert.Equal((PartnerStatus.OnHold, "screened", (string?)null), (lookAlike.Status, moved.Action, moved.Reason));
        Assert.Equal(Json(new { screening = "clear" }), Json(moved.Changes));
        var screened = Announced<PartnerScreened>(moved, lookAlike);
        Assert.Equal(("compliance", "clear", "No match"), (screened.Actor, screened.Outcome, screened.Reason));

        // A hold on a suspended partner keeps it suspended, with the reason.
        var (suspended, holding) = Move(Move(Active().Suspend("Unpaid fees", Manager)).State.Screened(ScreeningOutcome.Review, "Listed", 5, "compliance"));
        Assert.Equal((PartnerStatus.Suspended, "Unpaid fees", ScreeningOutcome.Review, "Listed"), (suspended.Status, suspended.StatusReason, suspended.Screening, suspended.ScreeningReason));
        Assert.Equal(("screened", "Listed"), (holding.Action, holding.Reason));
        Assert.Equal(Json(new { screening = "review" }), Json(holding.Changes));

        // A clean screening of an active partner.
        var (active, clean) = Move(Active().Screened(ScreeningOutcome.Clear, "No match", 5, "compliance"));
        Assert.Equal((PartnerStatus.Active, ScreeningOutcome.Clear, (string?)null, "screened", (string?)null),
            (active.Status, active.Screening, active.ScreeningReason, clean.Action, clean.Reason));
    }

    [Fact]
    public void Approving_an_application_makes_it_active_at_its_tier_from_that_version()
    {
        var (active, moved) = Move(Application().Approve(PartnerTier.Silver, Manager));
        Assert.Equal(("approved", (string?)null), (moved.Action, moved.Reason));
        Assert.Equal((PartnerStatus.Active, "silver", 2), (active.Status, active.Tier, active.ActiveSinceVersion));
        Assert.Equal(Json(new { status = "active", tier = "silver" }), Json(moved.Changes));
        var announced = Announced<PartnerApproved>(moved, active);
        Assert.Equal("morgan", announced.Actor);
        Assert.Equal(Json(active.Contact()), Json(announced.Contact));

        Refused(active.Approve(PartnerTier.Gold, Manager), active, "approved");
        var held = LookAlike();
        Refused(held.Approve(PartnerTier.Gold, Manager), held, "approved");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rejecting_an_application_or_a_held_one_ends_it_with_its_reason(bool held)
    {
        var (rejected, moved) = Move((held ? LookAlike() : Application()).Reject("Outside the program's regions", Manager));
        Assert.Equal(("rejected", "Outside the program's regions"), (moved.Action, moved.Reason));
        Assert.Equal((PartnerStatus.Rejected, "Outside the program's regions", (string?)null), (rejected.Status, rejected.StatusReason, rejected.HoldReason));
        Assert.Equal(Json(new { status = "rejected" }), Json(moved.Changes));
        var announced = Announced<PartnerRejected>(moved, rejected);
        Assert.Equal(("morgan", "Outside the program's regions"), (announced.Actor, announced.Reason));
        Assert.Equal(Json(rejected.Contact()), Json(announced.Contact));

        var active = Active();
        Refused(active.Reject("late", Manager), active, "rejected");
    }

    [Fact]
    public void Suspending_and_reinstating_an_active_partner()
    {
        var (suspended, moved) = Move(Active().Suspend("Unpaid fees", Manager));
        Assert.Equal(("suspended", "Unpaid fees"), (moved.Action, moved.Reason));
        Assert.Equal((PartnerStatus.Suspended, "Unpaid fees", 2), (suspended.Status, suspended.StatusReason, suspended.ActiveSinceVersion));
        Assert.Equal(Json(new { status = "suspended" }), Json(moved.Changes));
        var announced = Announced<PartnerSuspended>(moved, suspended);
        Assert.Equal(("morgan", "Unpaid fees"), (announced.Actor, announced.Reason));
        Refused(suspended.Suspend("again", Manager), suspended, "suspended");

        var (reinstated, reinstating) = Move(suspended.Reinstate("Fees paid", Manager));
        Assert.Equal(("reinstated", "Fees paid"), (reinstating.Action, reinstating.Reason));
        Assert.Equal((PartnerStatus.Active, "Fees paid", 4), (reinstated.Status, reinstated.StatusReason, reinstated.ActiveSinceVersion));
        Assert.Equal(Json(new { status = "active" }), Json(reinstating.Changes));
        var back = Announced<PartnerReinstated>(reinstating, reinstated);
        Assert.Equal(("morgan", "Fees paid"), (back.Actor, back.Reason));
        Refused(reinstated.Reinstate(null, Manager), reinstated, "reinstated");

        // Reinstated without a reason: the suspension's stays on record.
        Assert.Equal("Unpaid fees", Move(suspended.Reinstate(null, Manager)).State.StatusReason);
        var application = Application();
        Refused(application.Suspend("no", Manager), application, "suspended");
    }

    [Theory]
    [InlineData(PartnerStatus.Applied)]
    [InlineData(PartnerStatus.OnHold)]
    [InlineData(PartnerStatus.Active)]
    [InlineData(PartnerStatus.Suspended)]
    public void Terminating_ends_any_live_partner(string status)
    {
        var (terminated, moved) = Move((Application(status) with { HoldReason = "held" }).Terminate("Agreement ended", Manager));
        Assert.Equal(("terminated", "Agreement ended"), (moved.Action, moved.Reason));
        Assert.Equal((PartnerStatus.Terminated, "Agreement ended", (string?)null), (terminated.Status, terminated.StatusReason, terminated.HoldReason));
        Assert.Equal(Json(new { status = "terminated" }), Json(moved.Changes));
        var announced = Announced<PartnerTerminated>(moved, terminated);
        Assert.Equal(("morgan", "Agreement ended"), (announced.Actor, announced.Reason));
    }

    [Theory]
    [InlineData(PartnerStatus.Rejected)]
    [InlineData(PartnerStatus.Terminated)]
    public void An_ended_partner_cannot_be_terminated_moved_or_given_users(string status)
    {
        var ended = Application(status);
        Refused(ended.Terminate("again", Manager), ended, "terminated");
        Refused(ended.ChangeTier(PartnerTier.Gold, "no", Manager), ended, "moved to another tier");
        Refused(ended.AddUser(Alex, Manager), ended, "given new users");
        Refused(ended.ChangeUserRole(Alex, "partner-admin", Manager), ended, "given new roles");
        Refused(ended.RemoveUser(Alex, Manager), ended, "changed");
    }

    [Fact]
    public void A_tier_changes_for_an_active_or_suspended_partner_and_names_the_one_before()
    {
        var (gold, moved) = Move(Active().ChangeTier(PartnerTier.Gold, "Certified engineers", Manager));
        Assert.Equal(("tier_changed", "Certified engineers", "gold"), (moved.Action, moved.Reason, gold.Tier));
        Assert.Equal(Json(new { tier = new { from = "silver", to = "gold" } }), Json(moved.Changes));
        var announced = Announced<PartnerTierChanged>(moved, gold);
        Assert.Equal(("morgan", "Certified engineers", "silver"), (announced.Actor, announced.Reason, announced.PreviousTier));

        Refused(gold.ChangeTier(PartnerTier.Gold, "again", Manager), "active", "The partner is already gold.", $"Partner {gold.Id} is active at gold.");

        var untiered = Move(Active().Suspend("Unpaid fees", Manager)).State with { Tier = null };
        var (silver, first) = Move(untiered.ChangeTier(PartnerTier.Silver, "Back in good standing", Manager));
        Assert.Equal((PartnerStatus.Suspended, "silver"), (silver.Status, silver.Tier));
        Assert.Equal("registered", Assert.IsType<PartnerTierChanged>(first.Announce(silver, silver.Version)).PreviousTier);

        var application = Application();
        Refused(application.ChangeTier(PartnerTier.Gold, "no", Manager), application, "moved to another tier");
    }

    [Fact]
    public void Users_join_change_role_and_leave_without_changing_the_partner()
    {
        var application = Application();
        var (added, adding) = Move(application.AddUser(Alex, Manager));
        Assert.Equal(("user_added", (string?)null, application.Status), (adding.Action, adding.Reason, added.Status));
        Assert.Equal(Json(new { user = new { id = Alex.UserId, Alex.Email, Alex.Role } }), Json(adding.Changes));
        var joined = Announced<PartnerUserAdded>(adding, added);
        Assert.Equal(("morgan", Alex), (joined.Actor, joined.User));

        var promoted = Alex with { Role = "partner-admin" };
        var (changed, changing) = Move(added.ChangeUserRole(promoted, "partner-sales", Manager));
        Assert.Equal(("user_role_changed", (string?)null), (changing.Action, changing.Reason));
        Assert.Equal(Json(new { user = new { id = Alex.UserId, Alex.Email, role = new { from = "partner-sales", to = "partner-admin" } } }), Json(changing.Changes));
        var roleChanged = Announced<PartnerUserRoleChanged>(changing, changed);
        Assert.Equal(("morgan", promoted, "partner-sales"), (roleChanged.Actor, roleChanged.User, roleChanged.PreviousRole));

        var (removed, removing) = Move(changed.RemoveUser(promoted, Manager));
        Assert.Equal(("user_removed", (string?)null), (removing.Action, removing.Reason));
        Assert.Equal(Json(new { user = new { id = Alex.UserId, promoted.Email, promoted.Role } }), Json(removing.Changes));
        var left = Announced<PartnerUserRemoved>(removing, removed);
        Assert.Equal(("morgan", promoted), (left.Actor, left.User));
        Assert.Equal(Json(application.State()), Json(removed.State()));
    }

    [Theory]
    [InlineData("Rio Grande Integrators, L.L.C.", "rio grande integrators")]
    [InlineData("RIO GRANDE INTEGRATORS HOLDINGS CO LTD", "rio grande integrators")]
    [InlineData("Zürich Netzwerke AG", "zurich netzwerke")]
    [InlineData("Smith & O’Neil Group", "smith and oneil")]
    [InlineData("Große Ærø Łódź Đakovo", "grosse aero lodz dakovo")]
    [InlineData("Ltd", "ltd")]
    [InlineData("राम Systems", "रम systems")]
    [InlineData("X\u20DDY/Z Inc", "xy z")]
    [InlineData("  ", "")]
    [InlineData("— & —", "and")]
    [InlineData("—", "")]
    [InlineData(null, "")]
    public void An_applicants_name_is_compared_without_case_accents_punctuation_or_legal_form(string? name, string normalized) =>
        Assert.Equal(normalized, OrganisationNames.Normalize(name));

    public static TheoryData<string> LegalForms => WrittenLegalForms.Of(WrittenLegalForms.Everywhere, WrittenLegalForms.ChannelOnly);

    [Theory]
    [MemberData(nameof(LegalForms))]
    public void Every_legal_form_is_dropped_from_an_applicants_name_as_it_is_written(string form)
    {
        Assert.Equal("rio grande", OrganisationNames.Normalize($"Rio Grande {form}"));
        Assert.Equal("rio", OrganisationNames.Normalize($"RIO, {form}"));
    }

    [Theory]
    [InlineData("S.A. de C.V.", "sa de")]
    [InlineData("Grupo Bimbo S.A. de C.V.", "grupo bimbo")]
    [InlineData("Acme Sp. z o.o.", "acme")]
    public void A_legal_form_in_several_words_is_dropped_whole_but_never_the_whole_name(string name, string expected) =>
        Assert.Equal(expected, OrganisationNames.Normalize(name));

    [Theory]
    [InlineData("раypal.example", "paypal.example")] // Cyrillic р and а
    [InlineData("xn--ypal-43d9g.example", "paypal.example")] // the same, as punycode
    [InlineData(" PayPa1.Example. ", "paypal.example")] // a digit one, capitals, a trailing dot
    [InlineData("pàypal.example", "paypal.example")]
    [InlineData("ρaypaι.example", "paypai.example")] // Greek rho and iota
    [InlineData("हा.example", "ह.example")] // a spacing vowel sign is dropped like an accent
    [InlineData("ВАD..Example", "bad..example")] // not a valid name: still lower case and Latin
    public void A_domain_reads_as_its_skeleton(string domain, string skeleton) =>
        Assert.Equal(skeleton, LookAlikes.Skeleton(domain));
}
