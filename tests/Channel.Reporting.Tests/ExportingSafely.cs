using Channel.Contracts.Deals;
using Channel.Contracts.Distributors;
using Channel.Contracts.Partners;
using Channel.Testing;

namespace Channel.Reporting.Tests;

/// <summary>
/// Every CSV the reports export is safe to open in a spreadsheet: a cell that would be a formula (a
/// partner named "-2+3+HYPERLINK(…)", "=…", "@…", "+…", a leading tab) is written as text, and a
/// plain number — a negative one too — stays a number.
/// </summary>
public sealed class ExportingSafely(ReportingApp app) : IClassFixture<ReportingApp>
{
    [Fact]
    public async Task Cells_that_would_be_formulas_are_written_as_text_and_numbers_stay_numbers()
    {
        var (partner, distributor, now) = (Guid.NewGuid(), Guid.NewGuid(), DateTimeOffset.UtcNow);
        const string hostile = "-2+3+HYPERLINK(\"http://evil.example\",\"open\")";
        await app.Bus.Publish(new PartnerApproved { PartnerId = partner, Version = 2, OccurredAt = now, Actor = "m", Partner = States.Partner(PartnerStatus.Active, "gold", hostile) });
        await app.Bus.Publish(new DealRegistered
        {
            DealId = Guid.NewGuid(),
            Version = 1,
            OccurredAt = now,
            Actor = "p",
            Deal = new DealState
            {
                Status = DealStatus.Submitted,
                PartnerId = partner,
                CustomerName = "=cmd|' /C calc'!A0",
                CustomerCountry = "US",
                CustomerRegion = "\tCA",
                CustomerSector = "commercial",
                ProductFamilies = ["switching"],
                TotalValue = 1200,
                Currency = "USD",
                ExpectedClose = DateOnly.FromDateTime(now.UtcDateTime).AddDays(30),
                SubmittedAt = now,
            },
        });
        var month = DateOnly.FromDateTime(now.UtcDateTime);
        await app.Bus.Publish(new SellThroughReported
        {
            ReportId = Guid.NewGuid(),
            DistributorId = distributor,
            ReportNumber = "R-RETURN",
            PeriodStart = month,
            PeriodEnd = month,
            Batch = 1,
            BatchCount = 1,
            OccurredAt = now,
            Lines = [new SellThroughLine
            {
                LineNumber = 2, InvoiceNumber = "I-1", InvoiceDate = month, TransactionType = SellThroughTransaction.Return, ResellerId = partner,
                EndCustomerName = "x", EndCustomerCountry = "US", EndCustomerRegion = "CA", VendorSku = "@SUM(A1)", Quantity = -1, UnitPrice = 150,
                ExtendedAmount = -150, Currency = "USD",
            }],
        });
        await app.WaitForInbox(3);

        var partners = await app.As("leadership").GetStringAsync($"/api/reports/pipeline/partner?format=csv&partnerId={partner}");
        var regions = await app.As("leadership").GetStringAsync($"/api/reports/pipeline/region?format=csv&partnerId={partner}");
        var skus = await app.As("leadership").GetStringAsync($"/api/reports/sell-through/sku?format=csv&distributorId={distributor}");

        Assert.Contains("\"'-2+3+HYPERLINK(\"\"http://evil.example\"\",\"\"open\"\")\"", partners);
        Assert.DoesNotContain(",-2+3+HYPERLINK", partners);
        Assert.Contains("'\tCA", regions);
        Assert.Contains("'@SUM(A1)", skus);
        Assert.Contains(",-150.00,", skus); // a return's revenue, a number
        Assert.DoesNotContain("'-150", skus);
    }
}
