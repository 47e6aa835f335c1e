using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Distributors;
using Channel.Contracts.Partners;
using Channel.Testing;

namespace Channel.Distributors.Tests;

/// <summary>
/// An authorization never outlives a suspension or termination of its partner, whatever order the
/// partner's events arrive in, and the service can publish its whole state again for a late reader.
/// </summary>
public sealed class KeepingAuthorizationsHonest(DistributorsApp app) : IClassFixture<DistributorsApp>
{
    [Fact]
    public async Task A_reinstatement_whose_suspension_never_arrived_still_ends_the_authorizations_granted_before_it()
    {
        var distributor = await app.Onboard();
        var partner = await app.AuthorizedReseller(distributor); // granted while the copy knew the partner as active since version 1
        var version = await app.Db.Scalar<int>("select version from partners where id = @partner", new { partner });

        // The suspension (version + 1) is still on its way; the reinstatement (version + 2) overtakes it.
        await app.Events.Publish(new PartnerReinstated
        {
            PartnerId = partner,
            Version = version + 2,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "m",
            Partner = States.Partner(PartnerStatus.Active, activeSince: version + 2),
        });
        var revoked = await app.Events.WaitFor<ResellerAuthorizationRevoked>(e => e.Authorization.PartnerId == partner);
        Assert.Contains("suspended or terminated since this authorization", revoked.Reason);

        var late = Guid.NewGuid();
        await app.Events.Publish(new PartnerSuspended
        {
            PartnerId = partner,
            Version = version + 1,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "m",
            Reason = "audit",
            Partner = States.Partner(PartnerStatus.Suspended, activeSince: 1),
        }, late);
        await app.WaitUntil($"select count(*) from inbox where message_id = '{late}'");
        Assert.Equal(0L, await app.Db.Scalar<long>("select count(*) from authorizations where partner_id = @partner and active", new { partner }));
        Assert.Single(app.Events.Of<ResellerAuthorizationRevoked>(), e => e.Authorization.PartnerId == partner);

        // Authorized again after the reinstatement, it stands.
        (await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/authorizations", new { partnerId = partner, regions = new[] { "CA" } }))
            .EnsureSuccessStatusCode();
        Assert.Equal(1L, await app.Db.Scalar<long>("select count(*) from authorizations where partner_id = @partner and active", new { partner }));
    }

    [Fact]
    public async Task Authorizing_a_partner_while_its_suspension_is_being_applied_never_leaves_an_active_authorization()
    {
        var distributor = await app.Onboard();
        for (var round = 0; round < 10; round++)
        {
            var partner = await app.PartnerWithStatus(PartnerStatus.Active);
            var version = await app.Db.Scalar<int>("select version from partners where id = @partner", new { partner });
            var grant = app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/authorizations", new { partnerId = partner, regions = new[] { "CA" } });
            var suspended = Guid.NewGuid();
            await app.Events.Publish(new PartnerSuspended
            {
                PartnerId = partner,
                Version = version + 1,
                OccurredAt = DateTimeOffset.UtcNow,
                Actor = "m",
                Reason = "race",
                Partner = States.Partner(PartnerStatus.Suspended, activeSince: 1),
            }, suspended);
            var answer = await grant;
            await app.WaitUntil($"select count(*) from inbox where message_id = '{suspended}'");

            Assert.True(answer.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"round {round}: {(int)answer.StatusCode}");
            Assert.Equal(0L, await app.Db.Scalar<long>("select count(*) from authorizations where partner_id = @partner and active", new { partner }));
        }
    }

    [Fact]
    public async Task A_replay_publishes_distributors_authorizations_and_report_batches_again_as_they_were()
    {
        var distributor = await app.Onboard();
        var reseller = await app.AuthorizedReseller(distributor);
        var n = $"POS-{Guid.NewGuid():N}"[..16];
        var rows = Enumerable.Range(1, 5).Select(i => DistributorsApp.Row(n, reseller, i)).ToArray();
        var report = (await (await app.Upload(app.Distributor(distributor), distributor, DistributorsApp.Csv([DistributorsApp.Header, .. rows])))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var original = (await app.Events.WaitForCount(r => r.Message is SellThroughReported s && s.ReportId == report, 2))
            .Select(r => (SellThroughReported)r.Message).OrderBy(b => b.Batch).ToList();

        Assert.Equal(HttpStatusCode.Forbidden, (await app.Manager().PostAsync("/api/distributors/admin/replay", null)).StatusCode);
        var answer = await (await app.CreateClient().As("admin").PostAsync("/api/distributors/admin/replay", null)).EnsureSuccessStatusCode()
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(answer.GetProperty("batches").GetInt32() >= 2);
        var onboarded = await app.Events.WaitFor<DistributorStateReplayed>(e => e.DistributorId == distributor);
        Assert.Equal(["CA", "OR", "WA", "TX"], onboarded.Distributor.Regions);
        var authorization = await app.Events.WaitFor<ResellerAuthorizationStateReplayed>(e => e.Authorization.PartnerId == reseller);
        Assert.True(authorization.Authorization.Active);
        var replayed = (await app.Events.WaitForCount(r => r.Message is SellThroughReported s && s.ReportId == report, 4))
            .Select(r => (SellThroughReported)r.Message).OrderBy(b => b.Batch).Skip(0).ToList();
        Assert.Equal(original.Select(b => (b.Batch, b.BatchCount, b.Lines.Count)),
            replayed.GroupBy(b => b.Batch).Select(g => g.Last()).Select(b => (b.Batch, b.BatchCount, b.Lines.Count)));
    }

    [Fact]
    public async Task Onboarding_with_an_idempotency_key_twice_onboards_once()
    {
        var name = $"Retry Supply {Guid.NewGuid():N}";
        var key = Guid.NewGuid().ToString();
        HttpRequestMessage Onboard() => new(HttpMethod.Post, "/api/distributors")
        {
            Content = JsonContent.Create(new { name, countries = new[] { "US" }, regions = new[] { "CA" } }),
            Headers = { { "Idempotency-Key", key } },
        };

        var first = await app.Manager().SendAsync(Onboard());
        var again = await app.Manager().SendAsync(Onboard());

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(),
            (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        Assert.Equal(1L, await app.Db.Scalar<long>("select count(*) from distributors where name = @name", new { name }));
    }
}
