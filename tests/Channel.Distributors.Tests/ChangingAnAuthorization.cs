using Channel.Contracts.Distributors;
using Channel.Messaging;

namespace Channel.Distributors.Tests;

/// <summary>
/// The authorization's lifecycle as rules alone (no database, no broker): what each transition decides, the history
/// action it names and the event it announces. The fast tests <c>./channel mutate distributors</c> runs its mutants
/// against; the scenarios through the API are in <see cref="AuthorizingResellers"/>.
/// </summary>
[Trait("Category", "Rules")]
public sealed class ChangingAnAuthorization
{
    static readonly Guid Distributor = Guid.NewGuid(), Partner = Guid.NewGuid();
    static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The next state of a transition that must move, as the commit path saves it (one version on).</summary>
    static (Authorization State, Moved<Authorization> Moved) Move(Outcome<Authorization> outcome)
    {
        var moved = Assert.IsType<Moved<Authorization>>(outcome);
        return (moved.State with { Version = moved.State.Version + 1 }, moved);
    }

    static Authorization Granted(params string[] regions) =>
        Move(Authorization.New(Distributor, Partner).Grant(regions, 3, "morgan", Monday)).State;

    [Fact]
    public void A_new_authorization_is_inactive_at_version_zero_for_its_pair()
    {
        var first = Authorization.New(Distributor, Partner);
        var second = Authorization.New(Distributor, Partner);

        Assert.Equal((Distributor, Partner, 0, false, 0), (first.DistributorId, first.PartnerId, first.Version, first.Active, first.Regions.Length));
        Assert.Equal(("", (string?)null), (first.AuthorizedBy, first.RevokedBy));
        Assert.NotEqual(Guid.Empty, first.Id);
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public void The_first_grant_authorizes_and_announces_the_pair_and_its_regions()
    {
        var fresh = Authorization.New(Distributor, Partner);
        var (state, moved) = Move(fresh.Grant(["CA", "OR"], 3, "morgan", Monday));

        Assert.Equal("authorized", moved.Action);
        Assert.Null(moved.Reason);
        Assert.True(state.Active);
        Assert.Equal(["CA", "OR"], state.Regions);
        Assert.Equal((Monday, "morgan", 3, false), (state.AuthorizedAt, state.AuthorizedBy, state.PartnerVersion, state.PausedByHold));

        var announced = Assert.IsType<ResellerAuthorized>(moved.Announce(state, 1));
        Assert.Equal((fresh.Id, 1, Monday, "morgan"), (announced.AuthorizationId, announced.Version, announced.OccurredAt, announced.Actor));
        Assert.Equal((Distributor, Partner, true), (announced.Authorization.DistributorId, announced.Authorization.PartnerId, announced.Authorization.Active));
        Assert.Equal(["CA", "OR"], announced.Authorization.Regions);
    }

    [Fact]
    public void Granting_what_already_stands_is_refused_and_other_regions_change_it()
    {
        var standing = Granted("CA", "OR");

        var refused = Assert.IsType<Refused<Authorization>>(standing.Grant(["CA", "OR"], 4, "riley", Monday.AddDays(1)));
        Assert.Equal(("active", "The authorization already stands with these regions."), (refused.CurrentStatus, refused.Title));

        var (changed, moved) = Move(standing.Grant(["CA", "TX"], 4, "riley", Monday.AddDays(1)));
        Assert.Equal("regions_changed", moved.Action);
        Assert.Equal(["CA", "TX"], changed.Regions);
        Assert.Equal((Monday.AddDays(1), "riley", 4, 2), (changed.AuthorizedAt, changed.AuthorizedBy, changed.PartnerVersion, changed.Version));
        Assert.Equal(["CA", "TX"], Assert.IsType<ResellerAuthorized>(moved.Announce(changed, 2)).Authorization.Regions);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Revoking_ends_it_with_its_reason_and_announces_it(bool paused)
    {
        var standing = Granted("CA");
        var (revoked, moved) = Move(standing.Revoke("lapsed certification", "riley", Monday.AddDays(2), paused));

        Assert.Equal(("revoked", "lapsed certification"), (moved.Action, moved.Reason));
        Assert.False(revoked.Active);
        Assert.Equal((Monday.AddDays(2), "riley", "lapsed certification", paused), (revoked.RevokedAt, revoked.RevokedBy, revoked.RevokeReason, revoked.PausedByHold));
        Assert.Equal(["CA"], revoked.Regions);

        var announced = Assert.IsType<ResellerAuthorizationRevoked>(moved.Announce(revoked, 2));
        Assert.Equal((standing.Id, 2, Monday.AddDays(2), "riley", "lapsed certification"),
            (announced.AuthorizationId, announced.Version, announced.OccurredAt, announced.Actor, announced.Reason));
        Assert.False(announced.Authorization.Active);
        Assert.Equal(["CA"], announced.Authorization.Regions);
    }

    [Fact]
    public void A_revoked_authorization_cannot_be_revoked_again_and_a_new_grant_restores_it_clean()
    {
        var (revoked, _) = Move(Granted("CA").Revoke("on hold", "system", Monday.AddDays(2), paused: true));

        var refused = Assert.IsType<Refused<Authorization>>(revoked.Revoke("again", "riley", Monday.AddDays(3)));
        Assert.Equal(("revoked", "The authorization is already revoked."), (refused.CurrentStatus, refused.Title));
        Assert.IsType<Refused<Authorization>>(Authorization.New(Distributor, Partner).Revoke("never granted", "riley", Monday));

        // The same regions as before: restored (only an active authorization with them is refused).
        var (restored, moved) = Move(revoked.Grant(["CA"], 7, "morgan", Monday.AddDays(4)));
        Assert.Equal("restored", moved.Action);
        Assert.True(restored.Active);
        Assert.Equal(((DateTimeOffset?)null, (string?)null, (string?)null, false, 7), (restored.RevokedAt, restored.RevokedBy, restored.RevokeReason, restored.PausedByHold, restored.PartnerVersion));
        Assert.True(Assert.IsType<ResellerAuthorized>(moved.Announce(restored, 3)).Authorization.Active);
    }

    [Fact]
    public void Its_state_for_readers_is_the_pair_its_regions_and_whether_it_stands()
    {
        var state = Granted("WA", "OR").State();
        Assert.Equal((Distributor, Partner, true), (state.DistributorId, state.PartnerId, state.Active));
        Assert.Equal(["WA", "OR"], state.Regions);
    }
}
