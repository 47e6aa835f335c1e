using System.Net;
using System.Net.Http.Json;
using Channel.Contracts.Distributors;
using Channel.Contracts.Partners;
using Channel.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Channel.Deals.Tests;

public sealed class KeepingTheLocalCopy(DealsApp app) : IClassFixture<DealsApp>
{
    static PartnerApproved Approved(Guid id, int version) => new()
    {
        PartnerId = id,
        Version = version,
        OccurredAt = DateTimeOffset.UtcNow,
        Actor = "manager",
        Partner = States.Partner(PartnerStatus.Active, name: "Late Approval Co"),
    };

    static PartnerSuspended Suspended(Guid id, int version) => new()
    {
        PartnerId = id,
        Version = version,
        OccurredAt = DateTimeOffset.UtcNow,
        Reason = "audit",
        Actor = "manager",
        Partner = States.Partner(PartnerStatus.Suspended, name: "Late Approval Co"),
    };

    [Fact]
    public async Task An_older_event_arriving_late_does_not_undo_a_newer_one()
    {
        var id = Guid.NewGuid();
        await app.Events.Publish(Suspended(id, 3));
        await app.WaitUntil($"select count(*) from partners where id = '{id}' and version = 3");

        var late = Guid.NewGuid();
        await app.Events.Publish(Approved(id, 2), late);
        await app.WaitUntil($"select count(*) from inbox where message_id = '{late}'"); // the late event was consumed

        Assert.Equal("suspended", await app.Db.Scalar<string>("select status from partners where id = @id", new { id }));
        Assert.Equal(3, await app.Db.Scalar<int>("select version from partners where id = @id", new { id }));
        var response = await app.Partner(id).PostAsJsonAsync("/api/deals", app.Registration("Anyone"));
        await response.AssertProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_redelivered_message_is_not_applied_again()
    {
        var consumed = ConsumedMessages.Watch(app.Services.GetRequiredService<IBus>());
        var id = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        await app.Events.Publish(Approved(id, 2), messageId);
        await app.WaitUntil($"select count(*) from partners where id = '{id}' and status = 'active'");

        // The same message id again, carrying (wrongly) a newer state: only the inbox stands between it and the copy.
        await app.Events.Publish(Approved(id, 7) with { Partner = States.Partner(PartnerStatus.Terminated) }, messageId);
        // Deals' one reader of partner events has finished with it twice: the original, and the duplicate it turned away.
        await consumed.WaitFor(messageId, 2);

        Assert.Equal("active", await app.Db.Scalar<string>("select status from partners where id = @id", new { id }));
        Assert.Equal(2, await app.Db.Scalar<int>("select version from partners where id = @id", new { id }));
    }

    [Fact]
    public async Task Suspension_after_approval_stops_new_registrations()
    {
        var id = Guid.NewGuid();
        await app.Events.Publish(Approved(id, 2));
        await app.WaitUntil($"select count(*) from partners where id = '{id}' and status = 'active'");
        await app.Register(app.Partner(id), app.Registration("Before Suspension Inc"));

        await app.Events.Publish(Suspended(id, 3));
        await app.WaitUntil($"select count(*) from partners where id = '{id}' and status = 'suspended'");

        await (await app.Partner(id).PostAsJsonAsync("/api/deals", app.Registration("After Suspension Inc"))).AssertProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_revocation_that_overtakes_its_authorization_still_wins()
    {
        var partner = await app.ActivePartner();
        var distributor = Guid.NewGuid();
        var authorization = DealsApp.AuthorizationId(distributor, partner);

        await app.Events.Publish(new ResellerAuthorizationRevoked
        {
            AuthorizationId = authorization,
            Version = 2,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "system",
            Reason = "partner suspended",
            Authorization = States.Authorization(distributor, partner, false),
        });
        await app.WaitUntil($"select count(*) from reseller_authorizations where id = '{authorization}' and version = 2");
        var late = Guid.NewGuid();
        await app.Events.Publish(new ResellerAuthorized
        {
            AuthorizationId = authorization,
            Version = 1,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "manager",
            Authorization = States.Authorization(distributor, partner, true, "CA"),
        }, late);
        await app.WaitUntil($"select count(*) from inbox where message_id = '{late}'");

        Assert.False(await app.Db.Scalar<bool>("select active from reseller_authorizations where id = @authorization", new { authorization }));
        var response = await app.Distributor(distributor).PostAsJsonAsync("/api/deals", app.Registration("Anyone", partnerId: partner));
        await response.AssertProblem(HttpStatusCode.Forbidden);
    }
}
