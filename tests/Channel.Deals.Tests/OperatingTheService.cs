using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Deals;
using Channel.Testing;
using Dapper;

namespace Channel.Deals.Tests;

/// <summary>
/// What an operator does when something went wrong: sees an event the relay set aside (and the
/// service reporting itself degraded), fixes it, sends it again or drops it; asks the service to
/// publish every deal's state again for a reader that started late; and what clients get while the
/// database cannot take writes (the errors are raised by the real PostgreSQL, from a trigger).
/// </summary>
public sealed class OperatingTheService(DealsApp app) : IClassFixture<DealsApp>
{
    HttpClient Admin() => app.CreateClient().As("admin");

    [Fact]
    public async Task An_event_set_aside_shows_in_readiness_and_is_fixed_and_sent_again_by_an_admin()
    {
        var partner = await app.ActivePartner();
        var deal = await app.RegisterFor(partner);
        var registered = await app.Events.WaitFor<DealRegistered>(e => e.DealId == deal);
        await using (var conn = await app.Db.Open())
            await conn.ExecuteAsync("""
                insert into outbox (message_id, message_type, body, body_bytes)
                values (gen_random_uuid(), 'Channel.Contracts.Deals.DealRegistered, Channel.Contracts', '{"dealId": "not-a-deal"}', 24)
                """);

        JsonElement dead = default;
        await Eventually.True(async () => (dead = await Admin().GetFromJsonAsync<JsonElement>("/api/deals/admin/outbox/dead-letters")).GetArrayLength() == 1);
        var letter = dead[0];
        Assert.Contains("does not read as DealRegistered", letter.GetProperty("lastError").GetString());
        var ready = await app.CreateClient().GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("Degraded", ready.GetProperty("status").GetString());
        Assert.Equal("Degraded", ready.GetProperty("checks").GetProperty("outbox").GetProperty("status").GetString());

        var id = letter.GetProperty("id").GetInt64();
        await (await Admin().PutAsJsonAsync($"/api/deals/admin/outbox/dead-letters/{id}", new { body = new { dealId = "still wrong" } }))
            .AssertBadRequest("body");
        var fixedBody = JsonSerializer.SerializeToElement(registered with { Actor = "fixed-by-operator" }, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        (await Admin().PutAsJsonAsync($"/api/deals/admin/outbox/dead-letters/{id}", new { body = fixedBody })).EnsureSuccessStatusCode();
        (await Admin().PostAsync($"/api/deals/admin/outbox/dead-letters/{id}/requeue", null)).EnsureSuccessStatusCode();

        var resent = await app.Events.WaitFor<DealRegistered>(e => e.Actor == "fixed-by-operator");
        Assert.Equal(deal, resent.DealId);
        Assert.Equal(letter.GetProperty("messageId").GetGuid(), app.Events.All.Single(r => r.Message is DealRegistered { Actor: "fixed-by-operator" }).MessageId);
        Assert.Equal(0, (await Admin().GetFromJsonAsync<JsonElement>("/api/deals/admin/outbox/dead-letters")).GetArrayLength());
        await Eventually.True(async () => (await app.CreateClient().GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("status").GetString() == "Healthy");
    }

    [Fact]
    public async Task A_dead_letter_can_be_dropped_and_only_admins_see_them()
    {
        await using (var conn = await app.Db.Open())
            await conn.ExecuteAsync("""
                insert into outbox_dead_letters (id, message_id, message_type, body, body_bytes, created_at, attempts, last_error)
                values (-42, gen_random_uuid(), 'Channel.Retired.Event, Channel.Retired', '{}', 2, now(), 2, 'unknown message type')
                """);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Manager().GetAsync("/api/deals/admin/outbox/dead-letters")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Manager().DeleteAsync("/api/deals/admin/outbox/dead-letters/-42")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Admin().DeleteAsync("/api/deals/admin/outbox/dead-letters/-42")).StatusCode);
        await (await Admin().DeleteAsync("/api/deals/admin/outbox/dead-letters/-42")).AssertProblem(HttpStatusCode.NotFound);
        await (await Admin().PostAsync("/api/deals/admin/outbox/dead-letters/-42/requeue", null)).AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(0L, await app.Db.Scalar<long>("select count(*) from outbox_dead_letters where id = -42"));
    }

    [Fact]
    public async Task A_replay_publishes_every_deals_current_state_at_its_version()
    {
        var partner = await app.ActivePartner();
        var approved = await app.ApprovedDealFor(partner);
        var waiting = await app.RegisterFor(partner);

        Assert.Equal(HttpStatusCode.Forbidden, (await app.Manager().PostAsync("/api/deals/admin/replay", null)).StatusCode);
        var answer = await (await Admin().PostAsync("/api/deals/admin/replay", null)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(await app.Db.Scalar<long>("select count(*) from deals"), answer.GetProperty("replayed").GetInt64());
        var a = await app.Events.WaitFor<DealStateReplayed>(e => e.DealId == approved);
        var w = await app.Events.WaitFor<DealStateReplayed>(e => e.DealId == waiting);
        Assert.Equal((3, DealStatus.Approved), (a.Version, a.Deal.Status));
        Assert.Equal((1, DealStatus.Submitted), (w.Version, w.Deal.Status));
    }

    /// <summary>What PostgreSQL answers when it is read-only (a standby), full, out of connections, or cancels a statement that ran too long.</summary>
    [Theory]
    [InlineData("read_only_sql_transaction")]
    [InlineData("disk_full")]
    [InlineData("too_many_connections")]
    [InlineData("query_canceled")]
    public async Task While_the_database_cannot_take_writes_clients_get_503_with_retry_after_and_reads_still_work(string condition)
    {
        var partner = await app.ActivePartner();
        var existing = await app.RegisterFor(partner);
        var customer = $"Unwritable Clinic {Guid.NewGuid():N}"[..26];
        await Refuse(condition);
        try
        {
            var refused = await app.Partner(partner).PostAsJsonAsync("/api/deals", app.Registration(customer));
            var problem = await refused.AssertProblem(HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Contains("unavailable", problem.GetProperty("title").GetString());
            Assert.Equal(HttpStatusCode.OK, (await app.Partner(partner).GetAsync($"/api/deals/{existing}")).StatusCode);
        }
        finally { await Refuse(null); }
        Assert.Equal(0L, await app.Db.Scalar<long>("select count(*) from deals where customer_name = @customer", new { customer }));
        await app.Register(app.Partner(partner), app.Registration(customer));
    }

    /// <summary>Makes every new deal fail with the PostgreSQL error <paramref name="condition"/> (null: stop).</summary>
    async Task Refuse(string? condition)
    {
        await using var conn = await app.Db.Open();
        await conn.ExecuteAsync(condition is null
            ? "drop trigger refuse_writes on deals; drop function refuse_writes()"
            : $"""
              create function refuse_writes() returns trigger language plpgsql as $$
              begin raise exception 'the database cannot take this write' using errcode = '{condition}'; end $$;
              create trigger refuse_writes before insert on deals for each row execute function refuse_writes();
              """);
    }

}
