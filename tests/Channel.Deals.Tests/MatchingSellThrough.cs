using Channel.Contracts.Deals;
using Channel.Contracts.Distributors;

namespace Channel.Deals.Tests;

public sealed class MatchingSellThrough(DealsApp app) : IClassFixture<DealsApp>
{
    SellThroughLine Line(int number, Guid reseller, string customer, string sku, decimal amount, DateOnly? invoiceDate = null,
        Guid? dealId = null, string type = "sale", string? domain = null) => new()
        {
            LineNumber = number,
            InvoiceNumber = $"INV-{number:0000}",
            InvoiceDate = invoiceDate ?? DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime).AddDays(5),
            TransactionType = type,
            ResellerId = reseller,
            EndCustomerName = customer,
            EndCustomerDomain = domain,
            EndCustomerCountry = "US",
            EndCustomerRegion = "CA",
            VendorSku = sku,
            Quantity = 1,
            UnitPrice = amount,
            ExtendedAmount = amount,
            Currency = "USD",
            DealId = dealId,
        };

    SellThroughReported Report(params SellThroughLine[] lines) => new()
    {
        ReportId = Guid.NewGuid(),
        DistributorId = Guid.NewGuid(),
        ReportNumber = $"POS-{Guid.NewGuid():N}"[..16],
        PeriodStart = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime),
        PeriodEnd = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime).AddDays(30),
        Batch = 1,
        BatchCount = 1,
        OccurredAt = app.Clock.GetUtcNow(),
        Lines = lines,
    };

    [Fact]
    public async Task A_sale_naming_the_deal_marks_it_won_with_the_amount_and_keeps_the_link()
    {
        var partner = await app.ActivePartner();
        var id = await app.ApprovedDealFor(partner, "Litware Inc");

        await app.Events.Publish(Report(Line(1, partner, "Litware", "SW-4800-48P", 61_000m, dealId: id)));

        var won = await app.Events.WaitFor<DealWon>(e => e.DealId == id);
        Assert.Equal(61_000m, won.Deal.ActualAmount);
        Assert.Equal("sell-through:deal_id", won.Source);
        var link = Assert.Single((await app.Get(id)).GetProperty("sellThrough").EnumerateArray());
        Assert.Equal("deal_id", link.GetProperty("rule").GetString());
        Assert.Equal("INV-0001", link.GetProperty("invoiceNumber").GetString());
    }

    [Fact]
    public async Task A_sale_matching_reseller_customer_and_family_inside_protection_marks_the_deal_won()
    {
        var partner = await app.ActivePartner();
        var id = await app.ApprovedDealFor(partner, "Proseware, Inc.");

        await app.Events.Publish(Report(
            Line(1, partner, "PROSEWARE INCORPORATED", "SW-9300-24", 30_000m),
            Line(2, partner, "Proseware Inc", "SW-9300-48", 12_500m),
            Line(3, partner, "Proseware Inc", "SW-9300-48", -2_000m, type: "return")));

        var won = await app.Events.WaitFor<DealWon>(e => e.DealId == id);
        Assert.Equal(42_500m, won.Deal.ActualAmount);
        Assert.Equal("sell-through:reseller_customer_family", won.Source);
        Assert.Equal(2, (await app.Get(id)).GetProperty("sellThrough").GetArrayLength());
    }

    [Fact]
    public async Task Sales_that_do_not_match_are_not_linked()
    {
        var partner = await app.ActivePartner();
        var other = await app.ActivePartner();
        var id = await app.ApprovedDealFor(partner, "Trey Research");
        var afterProtection = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime).AddDays(120);
        var marker = await app.ApprovedDealFor(partner, "Marker Corp");

        await app.Events.Publish(Report(
            Line(1, other, "Trey Research", "SW-1", 1_000m),                 // another reseller
            Line(2, partner, "Trey Research", "FW-5500", 1_000m),            // a family not on the deal
            Line(3, partner, "Trey Research", "SW-2", 1_000m, afterProtection), // after protection
            Line(4, partner, "Trey Research Labs", "SW-3", 1_000m),          // another customer
            Line(5, partner, "Marker Corp", "SW-4", 1m)));

        await app.Events.WaitFor<DealWon>(e => e.DealId == marker);
        Assert.Equal("approved", await app.StatusOf(id));
        Assert.Empty((await app.Get(id)).GetProperty("sellThrough").EnumerateArray());
    }

    [Fact]
    public async Task The_same_report_batch_delivered_twice_links_once()
    {
        var partner = await app.ActivePartner();
        var id = await app.RegisterFor(partner, "Coho Winery", ("wireless", 9_000m), ("switching", 1_000m));
        await app.Cleared(id);
        (await app.Manager().PostAsync($"/api/deals/{id}/approve", null)).EnsureSuccessStatusCode();
        var report = Report(Line(1, partner, "Coho Winery", "WL-AP9", 9_000m), Line(2, partner, "Coho Winery", "SW-1", 1_000m));
        var messageId = Guid.NewGuid();

        await app.Events.Publish(report, messageId);
        await app.Events.Publish(report, messageId);
        var resent = Guid.NewGuid();
        await app.Events.Publish(report, resent); // even under a new message id, a line is linked once

        await app.Events.WaitFor<DealWon>(e => e.DealId == id);
        await app.WaitUntil($"select count(*) from inbox where message_id in ('{messageId}', '{resent}')", 2);
        Assert.Equal(2L, await app.Db.Scalar<long>("select count(*) from deal_sell_through where deal_id = @id", new { id }));
        Assert.Equal(10_000m, await app.Db.Scalar<decimal>("select actual_amount from deals where id = @id", new { id }));
        Assert.Single(app.Events.Of<DealWon>(), e => e.DealId == id);
    }
}
