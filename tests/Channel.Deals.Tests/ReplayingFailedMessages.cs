using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Distributors;
using Channel.Testing;

namespace Channel.Deals.Tests;

public sealed class ReplayingFailedMessages(DealsApp app) : IClassFixture<DealsApp>
{
    const string Queue = "deals-reseller-authorization";

    [Fact]
    public async Task A_message_that_kept_failing_waits_in_its_error_queue_until_an_operator_requeues_it()
    {
        // The cause: the consumer's table refuses writes for a while.
        await using (var conn = await app.Db.Open())
            await Dapper.SqlMapper.ExecuteAsync(conn, """
                create function refuse() returns trigger language plpgsql as $$ begin raise exception 'disk full'; end $$;
                create trigger refuse before insert on reseller_authorizations for each row execute function refuse();
                """);
        var partner = await app.ActivePartner();
        var distributor = Guid.NewGuid();
        await app.Events.Publish(new ResellerAuthorized
        {
            AuthorizationId = Guid.NewGuid(),
            Version = 1,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "test",
            Authorization = States.Authorization(distributor, partner, true, "CA"),
        });
        var admin = app.CreateClient().As("admin");
        await Eventually.True(async () => Count(await admin.GetFromJsonAsync<JsonElement>("/api/deals/admin/errors")) == 1);

        await using (var conn = await app.Db.Open())
            await Dapper.SqlMapper.ExecuteAsync(conn, "drop trigger refuse on reseller_authorizations");
        var response = await admin.PostAsync($"/api/deals/admin/errors/{Queue}/requeue", null);

        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("moved").GetInt32());
        await app.WaitUntil($"select count(*) from reseller_authorizations where distributor_id = '{distributor}' and active");
        Assert.Equal(0, Count(await admin.GetFromJsonAsync<JsonElement>("/api/deals/admin/errors")));
    }

    [Fact]
    public async Task Only_admins_see_the_error_queues_and_only_this_services_queues_can_be_requeued()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Manager().GetAsync("/api/deals/admin/errors")).StatusCode);
        var admin = app.CreateClient().As("admin");
        var queues = (await admin.GetFromJsonAsync<JsonElement>("/api/deals/admin/errors")).EnumerateArray().Select(q => q.GetProperty("queue").GetString()).ToList();
        Assert.Contains(Queue, queues);
        Assert.Contains("deals-sell-through-reported", queues);
        await (await admin.PostAsync("/api/deals/admin/errors/partners-partner-applied/requeue", null)).AssertProblem(HttpStatusCode.NotFound);
    }

    static long Count(JsonElement queues) =>
        queues.EnumerateArray().Single(q => q.GetProperty("queue").GetString() == Queue).GetProperty("messages").GetInt64();

}
