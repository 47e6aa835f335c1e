using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Pricing;
using static Channel.Pricing.Tests.PricingApp;

namespace Channel.Pricing.Tests;

/// <summary>The timers on a clock of their own (this fixture's clock moves days): expiry, and pending claim lines that wait too long.</summary>
public sealed class RunningThePricingTimers(PricingApp app) : IClassFixture<PricingApp>
{
    [Fact]
    public async Task An_authorization_expires_when_its_validity_ends_and_a_pending_line_times_out_giving_its_quantity_back()
    {
        var partner = await app.Partner();
        var distributor = Guid.NewGuid();
        await app.Authorize(distributor, partner);
        var (_, shortLived) = await app.ApprovedDeal(partner, [Sku("FW-500", "security", 2, 16_000)], approvedAt: Start.AddDays(-89), protectionDays: 90);
        var (_, pa) = await app.ApprovedDeal(partner, [Sku("AP-6100", "wireless", 40, 30_000)]);
        var expiring = shortLived!.Value.GetProperty("id").GetGuid();
        var paId = pa!.Value.GetProperty("id").GetGuid();
        var number = pa.Value.GetProperty("number").GetString()!;
        var claimed = await app.Claim(distributor, ClaimRow("T-1", number, "INV-NEVER", Today, partner, "AP-6100", 7, 744, 672));
        var claimId = (await claimed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("claim").GetProperty("id").GetGuid();
        Assert.Equal(7m, await app.Db.Scalar<decimal>("select claimed_quantity from authorization_lines where authorization_id = @paId", new { paId }));

        await app.TimersCaughtUp();
        Assert.Equal(PriceAuthorizationStatus.Active, await app.Db.Scalar<string>("select status from authorizations where id = @expiring", new { expiring }));

        app.Clock.Advance(TimeSpan.FromDays(1));
        await app.TimersCaughtUp();
        Assert.Equal(PriceAuthorizationStatus.Expired, await app.Db.Scalar<string>("select status from authorizations where id = @expiring", new { expiring }));
        await app.Events.WaitFor<PriceAuthorizationExpired>(e => e.AuthorizationId == expiring);
        Assert.Equal(ClaimLineStatus.Pending, await app.Db.Scalar<string>("select status from claim_lines where claim_id = @claimId", new { claimId }));

        app.Clock.Advance(TimeSpan.FromDays(60));
        await app.TimersCaughtUp();
        var line = (await app.Db.Query<(string, string)>("select status, reason from claim_lines where claim_id = @claimId", new { claimId })).Single();
        Assert.Equal((ClaimLineStatus.Rejected, ClaimReason.NoSellThrough), line);
        Assert.Equal(0m, await app.Db.Scalar<decimal>("select claimed_quantity from authorization_lines where authorization_id = @paId", new { paId }));
        var decided = await app.Events.WaitFor<ClaimLinesDecided>(e => e.ClaimId == claimId);
        Assert.Equal((0, 1), (decided.Claim.PendingLines, decided.Claim.RejectedLines));
        // Its quantity is free again: the PA now shows nothing claimed in its event too.
        await app.Events.WaitFor<PriceAuthorizationClaimed>(e => e.AuthorizationId == paId && e.Authorization.Lines[0].ClaimedQuantity == 0);
    }
}
