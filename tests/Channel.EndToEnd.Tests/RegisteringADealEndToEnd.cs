using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Deals;

namespace Channel.EndToEnd.Tests;

/// <summary>
/// The whole path a partner takes: onboarded by Partners, known to Deals only through the events
/// that cross RabbitMQ, then registering, approved and closing a deal, all through the gateway.
/// </summary>
public sealed class RegisteringADealEndToEnd(RunningSystem system) : IClassFixture<RunningSystem>
{
    [Fact]
    public async Task An_onboarded_partner_registers_a_deal_that_is_approved_and_won()
    {
        var domain = $"e2e-{Guid.NewGuid():N}"[..16] + ".example";
        var applied = await system.Client().PostAsJsonAsync("/api/partners/applications", new
        {
            legalName = "Deal Flow Networks",
            country = "US",
            region = "WA",
            websiteDomain = domain,
            partnerType = "var",
            primaryContact = new { name = "Lee Chen", email = $"lee@{domain}" },
            agreementVersion = "2026-01",
        });
        var partnerId = (await applied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var partner = system.Client("partner", partnerId);
        var registration = new
        {
            customer = new { legalName = "Evergreen Medical Center", domain = "evergreen-med.example", country = "US", region = "WA", sector = "healthcare" },
            products = new[] { new { sku = "SW-9300-48P", quantity = 8, amount = 96_000m } },
            totalValue = 96_000m,
            currency = "USD",
            expectedClose = DateTime.UtcNow.AddDays(45).ToString("yyyy-MM-dd"),
        };

        // Not yet approved as a partner: the Deals service refuses.
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.PostAsJsonAsync("/api/deals", registration)).StatusCode);

        (await system.Client("channel-manager").PostAsJsonAsync($"/api/partners/{partnerId}/approve", new { tier = "gold" })).EnsureSuccessStatusCode();
        HttpResponseMessage registered;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do registered = await partner.PostAsJsonAsync("/api/deals", registration); // until PartnerApproved has reached Deals
        while (registered.StatusCode == HttpStatusCode.Forbidden && DateTime.UtcNow < deadline && await Delay());
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var dealId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var queue = await system.Client("channel-manager").GetFromJsonAsync<JsonElement>("/api/deals/queue");
        Assert.Contains(dealId, queue.EnumerateArray().Select(d => d.GetProperty("id").GetGuid()));
        (await system.Client("channel-manager").PostAsync($"/api/deals/{dealId}/approve", null)).EnsureSuccessStatusCode();
        (await partner.PostAsJsonAsync($"/api/deals/{dealId}/won", new { actualAmount = 91_500m })).EnsureSuccessStatusCode();

        Assert.Equal(2, (await system.Events.WaitFor<DealApproved>(e => e.DealId == dealId)).Version);
        var won = await system.Events.WaitFor<DealWon>(e => e.DealId == dealId);
        Assert.Equal(91_500m, won.Deal.ActualAmount);
        Assert.Equal(partnerId, won.Deal.PartnerId);
        Assert.Equal(HttpStatusCode.NotFound, (await system.Client("partner", Guid.NewGuid()).GetAsync($"/api/deals/{dealId}")).StatusCode);
    }

    static async Task<bool> Delay()
    {
        await Task.Delay(200);
        return true;
    }
}
