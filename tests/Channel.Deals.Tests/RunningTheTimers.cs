using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Deals;
using Channel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Channel.Deals.Tests;

/// <summary>Two instances of the service on one database and one clock, as a scaled-out deployment runs.</summary>
public sealed class TwoInstances : DealsApp
{
    public WebApplicationFactory<Program> Second { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Second = WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock)));
        _ = Second.Server;
    }

    protected override IEnumerable<IServiceProvider> Instances => [Services, Second.Services];

    protected override async Task Teardown()
    {
        await Second.DisposeAsync();
        await base.Teardown();
    }
}

public sealed class RunningTheTimers(TwoInstances app) : IClassFixture<TwoInstances>
{
    [Fact]
    public async Task Protection_runs_out_after_ninety_days_and_each_deal_expires_once_with_two_instances_running()
    {
        var partner = await app.ActivePartner();
        var deals = new List<Guid>();
        for (var i = 0; i < 12; i++) deals.Add(await app.ApprovedDealFor(partner));

        app.Clock.Advance(TimeSpan.FromDays(89));
        await app.TimersCaughtUp();
        Assert.Equal("approved", await app.StatusOf(deals[0]));

        app.Clock.Advance(TimeSpan.FromDays(1.5));
        foreach (var id in deals) await app.Events.WaitFor<DealExpired>(e => e.DealId == id);

        Assert.All(await Task.WhenAll(deals.Select(app.StatusOf)), s => Assert.Equal("expired", s));
        await app.TimersCaughtUp(); // rounds after every expiry: any second one would have been written by now
        await app.Events.Settle(app.Db);
        Assert.All(deals, id => Assert.Single(app.Events.Of<DealExpired>(), e => e.DealId == id));
        Assert.Equal((long)deals.Count, await app.Db.Scalar<long>(
            "select count(*) from deal_history where action = 'expired' and deal_id = any(@deals)", new { deals = deals.ToArray() }));
    }

    [Fact]
    public async Task A_deal_waiting_past_two_business_days_is_overdue_and_tops_the_queue()
    {
        // Move to the next Friday 10:00 so the SLA crosses a weekend.
        var now = app.Clock.GetUtcNow();
        var friday = now.Date.AddDays(((int)DayOfWeek.Friday - (int)now.DayOfWeek + 7) % 7 + 7).AddHours(10);
        app.Clock.Advance(new DateTimeOffset(friday, TimeSpan.Zero) - now);
        var partner = await app.ActivePartner();
        var older = await app.RegisterFor(partner);
        app.Clock.Advance(TimeSpan.FromHours(1));
        var late = await app.RegisterFor(partner);
        Assert.Equal(new DateTimeOffset(friday.AddDays(4), TimeSpan.Zero), (await app.Get(older)).GetProperty("deal").GetProperty("slaDueAt").GetDateTimeOffset());

        app.Clock.Advance(TimeSpan.FromDays(3)); // Monday 11:00: not yet overdue
        await app.TimersCaughtUp();
        await app.Events.Settle(app.Db);
        Assert.DoesNotContain(app.Events.Of<DealApprovalOverdue>(), e => e.DealId == older);

        app.Clock.Advance(TimeSpan.FromHours(23.5)); // Tuesday 10:30: the first is overdue, the second not yet
        var overdue = await app.Events.WaitFor<DealApprovalOverdue>(e => e.DealId == older);
        Assert.True(overdue.Deal.Overdue);
        await app.TimersCaughtUp();
        await app.Events.Settle(app.Db);
        Assert.Single(app.Events.Of<DealApprovalOverdue>(), e => e.DealId == older);
        Assert.DoesNotContain(app.Events.Of<DealApprovalOverdue>(), e => e.DealId == late);

        // Make the overdue deal the younger of the two, so only "overdue first" (not "oldest first") can put it on top.
        await app.Db.Scalar<int>("update deals set submitted_at = (select submitted_at from deals where id = @late) + interval '1 minute' where id = @older",
            new { older, late });
        var queue = (await app.Manager().GetFromJsonAsync<JsonElement>("/api/deals/queue")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([older, late], queue.Where(d => d.GetProperty("partnerId").GetGuid() == partner).Select(d => d.GetProperty("id").GetGuid()));
        var first = queue.First(d => d.GetProperty("partnerId").GetGuid() == partner);
        Assert.Equal(older, first.GetProperty("id").GetGuid());
        Assert.True(first.GetProperty("overdue").GetBoolean());
        // The overdue filter keeps the overdue one only; the partner filter keeps this partner's two.
        Assert.Equal([older], (await app.Manager().GetFromJsonAsync<JsonElement>($"/api/deals/queue?overdue=true&partnerId={partner}"))
            .GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()));
        Assert.Equal(2, (await app.Manager().GetFromJsonAsync<JsonElement>($"/api/deals/queue?partnerId={partner}")).GetProperty("total").GetInt64());
    }
}
