using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Deals;
using Channel.Contracts.Distributors;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Channel.Deals.Tests;

/// <summary>
/// Every way a deal can change — each endpoint that writes, the sell-through consumer, the timers —
/// bumps its version only with an event carrying the new state: for every deal, one event for each
/// version from 1 to the current one, the last equal to the deal as the API shows it, and one
/// history entry per version. The list of write paths is checked against the endpoints the service
/// maps, so a new one cannot be added without being checked here.
/// </summary>
public sealed class AnnouncingEveryChange(DealsApp app) : IClassFixture<DealsApp>
{
    /// <summary>Each write path, and how to take a fresh deal through it (the deal it changed).</summary>
    static readonly Dictionary<string, Func<DealsApp, Task<Guid>>> writePaths = new()
    {
        ["POST /api/deals/"] = async app => await app.RegisterFor(await app.ActivePartner()),
        ["POST /api/deals/{id:guid}/approve"] = async app => await app.ApprovedDealFor(await app.ActivePartner()),
        ["POST /api/deals/{id:guid}/reject"] = app => Decided(app, "reject"),
        ["POST /api/deals/{id:guid}/return"] = app => Decided(app, "return"),
        ["PUT /api/deals/{id:guid}"] = async app =>
        {
            var (partner, id) = await Returned(app);
            (await app.Partner(partner).PutAsJsonAsync($"/api/deals/{id}", app.Registration("Edited Customer Ltd", region: "OR",
                products: [("SW-9300-48P", 70_000m), ("wireless", 5_000m)]))).EnsureSuccessStatusCode();
            return id;
        },
        ["POST /api/deals/{id:guid}/resubmit"] = async app =>
        {
            var (partner, id) = await Returned(app);
            (await app.Partner(partner).PostAsync($"/api/deals/{id}/resubmit", null)).EnsureSuccessStatusCode();
            return id;
        },
        ["POST /api/deals/{id:guid}/extension-request"] = async app => (await ExtensionRequested(app)).Id,
        ["POST /api/deals/{id:guid}/extension"] = async app =>
        {
            var (_, id) = await ExtensionRequested(app);
            (await app.Manager().PostAsync($"/api/deals/{id}/extension", null)).EnsureSuccessStatusCode();
            return id;
        },
        ["POST /api/deals/{id:guid}/won"] = async app =>
        {
            var partner = await app.ActivePartner();
            var id = await app.ApprovedDealFor(partner);
            (await app.Partner(partner).PostAsJsonAsync($"/api/deals/{id}/won", new { actualAmount = 48_500m })).EnsureSuccessStatusCode();
            return id;
        },
        ["POST /api/deals/{id:guid}/lost"] = async app =>
        {
            var partner = await app.ActivePartner();
            var id = await app.ApprovedDealFor(partner);
            (await app.Partner(partner).PostAsJsonAsync($"/api/deals/{id}/lost", new { reason = "Went with the incumbent." })).EnsureSuccessStatusCode();
            return id;
        },
        ["consumer: sell-through wins a deal, then more sell-through revises its amount"] = async app =>
        {
            var partner = await app.ActivePartner();
            var id = await app.ApprovedDealFor(partner);
            await app.Events.Publish(SellThrough(app, partner, id, 1_000m));
            await app.Events.WaitFor<DealWon>(e => e.DealId == id);
            await app.Events.Publish(SellThrough(app, partner, id, 2_100m));
            await app.Events.WaitFor<DealActualAmountRevised>(e => e.DealId == id);
            return id;
        },
        ["timer: a deal waiting past its SLA is overdue"] = async app =>
        {
            var id = await app.RegisterFor(await app.ActivePartner());
            await app.ClockForward(TimeSpan.FromDays(5));
            await app.Events.WaitFor<DealApprovalOverdue>(e => e.DealId == id);
            return id;
        },
        ["timer: protection runs out"] = async app =>
        {
            var id = await app.ApprovedDealFor(await app.ActivePartner());
            await app.ClockForward(TimeSpan.FromDays(91));
            await app.Events.WaitFor<DealExpired>(e => e.DealId == id);
            return id;
        },
    };

    public static TheoryData<string> WritePaths => [.. writePaths.Keys];

    [Fact]
    public void Every_endpoint_that_writes_is_a_write_path_checked_here()
    {
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}"))
            .Where(e => !e.StartsWith("GET ") && !e.Contains("/admin/"))
            .ToList();

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, e => Assert.True(writePaths.ContainsKey(e), $"{e} writes, but no write path here takes a deal through it"));
    }

    [Theory]
    [MemberData(nameof(WritePaths))]
    public async Task Every_version_has_one_event_with_the_state_the_api_shows(string path)
    {
        var id = await writePaths[path](app);

        var answer = await app.Get(id);
        var deal = answer.GetProperty("deal");
        var version = deal.GetProperty("version").GetInt32();
        await app.Events.WaitForCount(r => r.Message is IDealEvent e && e.DealId == id, version, TimeSpan.FromSeconds(15));
        await app.Events.Settle(app.Db); // a second event for a version would have arrived by now
        var announced = app.Events.All.Select(r => r.Message).OfType<IDealEvent>().Where(e => e.DealId == id).OrderBy(e => e.Version).ToList();

        Assert.Equal(Enumerable.Range(1, version), announced.Select(e => e.Version));
        Assert.Equal(version, answer.GetProperty("history").GetArrayLength());
        var last = announced[^1].Deal;
        Assert.Equal(deal.GetProperty("status").GetString(), last.Status);
        Assert.Equal(deal.GetProperty("totalValue").GetDecimal(), last.TotalValue);
        Assert.Equal(Nullable(deal, "actualAmount", e => e.GetDecimal()), last.ActualAmount);
        Assert.Equal(Nullable(deal, "protectionEndsAt", e => e.GetDateTimeOffset()), last.ProtectionEndsAt);
        Assert.Equal(Nullable(deal, "extensionRequestedAt", e => e.GetDateTimeOffset()), last.ExtensionRequestedAt);
        Assert.Equal(deal.GetProperty("extensionsUsed").GetInt32(), last.ExtensionsUsed);
        Assert.Equal(deal.GetProperty("overdue").GetBoolean(), last.Overdue);
        Assert.Equal(deal.GetProperty("customerName").GetString(), last.CustomerName);
        Assert.Equal(deal.GetProperty("customerRegion").GetString(), last.CustomerRegion);
        Assert.Equal(deal.GetProperty("productFamilies").EnumerateArray().Select(f => f.GetString()), last.ProductFamilies);
        Assert.Equal(answer.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("amount").GetDecimal()), last.Lines!.Select(l => l.Amount));
    }

    static T? Nullable<T>(JsonElement deal, string name, Func<JsonElement, T> read) where T : struct =>
        deal.GetProperty(name).ValueKind == JsonValueKind.Null ? null : read(deal.GetProperty(name));

    static async Task<Guid> Decided(DealsApp app, string decision)
    {
        var id = await app.RegisterFor(await app.ActivePartner());
        (await app.Manager().PostAsJsonAsync($"/api/deals/{id}/{decision}", new { reason = "Needs the end customer's domain." })).EnsureSuccessStatusCode();
        return id;
    }

    static async Task<(Guid Partner, Guid Id)> Returned(DealsApp app)
    {
        var partner = await app.ActivePartner();
        var id = await app.RegisterFor(partner);
        (await app.Manager().PostAsJsonAsync($"/api/deals/{id}/return", new { reason = "Which sites?" })).EnsureSuccessStatusCode();
        return (partner, id);
    }

    static async Task<(Guid Partner, Guid Id)> ExtensionRequested(DealsApp app)
    {
        var partner = await app.ActivePartner();
        var id = await app.ApprovedDealFor(partner);
        (await app.Partner(partner).PostAsJsonAsync($"/api/deals/{id}/extension-request", new { reason = "Board meets next quarter." }))
            .EnsureSuccessStatusCode();
        return (partner, id);
    }

    static SellThroughReported SellThrough(DealsApp app, Guid partner, Guid deal, decimal amount)
    {
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        return new SellThroughReported
        {
            ReportId = Guid.NewGuid(),
            DistributorId = Guid.NewGuid(),
            ReportNumber = $"POS-{Guid.NewGuid():N}"[..16],
            PeriodStart = today,
            PeriodEnd = today.AddDays(30),
            Batch = 1,
            BatchCount = 1,
            OccurredAt = app.Clock.GetUtcNow(),
            Lines =
            [
                new SellThroughLine
                {
                    LineNumber = 2, InvoiceNumber = "INV-1", InvoiceDate = today.AddDays(1), TransactionType = SellThroughTransaction.Sale,
                    ResellerId = partner, EndCustomerName = "Anyone", EndCustomerCountry = "US", VendorSku = "SW-9300-48P",
                    Quantity = 1, UnitPrice = amount, ExtendedAmount = amount, Currency = "USD", DealId = deal,
                },
            ],
        };
    }
}
