using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Compliance;
using Channel.Contracts.Distributors;

namespace Channel.Compliance.Tests;

/// <summary>
/// Accepted sell-through lines are screened as sales: a sale already made is never refused, but a line sold to a listed
/// party, to a government domain, or against a rule is flagged for compliance; the year's sales are screened again after
/// a list change.
/// </summary>
public sealed class ScreeningSales(ComplianceApp app) : IClassFixture<ComplianceApp>
{
    static SellThroughLine Line(int number, string customer, string? domain = null, DateOnly? invoiced = null, string country = "US") => new()
    {
        LineNumber = number,
        InvoiceNumber = $"INV-{number}",
        InvoiceDate = invoiced ?? DateOnly.FromDateTime(ComplianceApp.Start.UtcDateTime).AddDays(-10),
        TransactionType = "sale",
        ResellerId = Guid.NewGuid(),
        EndCustomerName = customer,
        EndCustomerDomain = domain,
        EndCustomerCountry = country,
        VendorSku = "SW-9300-48P",
        Quantity = 2,
        UnitPrice = 6_000m,
        ExtendedAmount = 12_000m,
        Currency = "USD",
    };

    async Task<Guid> Report(params SellThroughLine[] lines)
    {
        var id = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        await app.Events.Publish(new SellThroughReported
        {
            ReportId = id,
            DistributorId = Guid.NewGuid(),
            ReportNumber = $"R-{id:N}"[..12],
            PeriodStart = new DateOnly(2026, 11, 1),
            PeriodEnd = new DateOnly(2026, 11, 30),
            Batch = 1,
            BatchCount = 1,
            OccurredAt = app.Clock.GetUtcNow(),
            Lines = lines,
        }, messageId);
        await app.Consumed.WaitFor(messageId, 1);
        return id;
    }

    [Fact]
    public async Task A_line_sold_to_a_listed_party_or_a_government_domain_is_flagged_and_a_clean_line_is_kept_without_a_decision()
    {
        var report = await Report(
            Line(1, "Tacoma Bakery Supply"),
            Line(2, "OST Middle East"),                                    // an alternate name on the demo list
            Line(3, "Puget Sound Naval Facilities", "psnf.navy.mil"),      // a military domain, no public-sector type said
            Line(4, "Harbor Clinic", "harborclinic.example"));

        ScreeningDecided[] flagged = [await app.Events.WaitFor<ScreeningDecided>(d => d.SubjectId == $"{report}:2"),
            await app.Events.WaitFor<ScreeningDecided>(d => d.SubjectId == $"{report}:3")];
        Assert.All(flagged, d => Assert.Equal((ScreeningSubject.Sale, ScreeningOutcome.Review), (d.SubjectKind, d.Outcome)));
        Assert.Contains("government domain", flagged[1].Reason);
        Assert.Equal(4, await app.Db.Scalar<long>("select count(*) from subjects where kind = 'sale' and id like @p", new { p = $"{report}:%" }));
        Assert.Equal(2, await app.Db.Scalar<long>("select count(*) from decisions where kind = 'sale' and subject_id like @p", new { p = $"{report}:%" }));
        var queue = await app.Get("/api/compliance/queue?kind=sale&pageSize=200", app.Officer());
        var item = queue.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == $"{report}:2");
        Assert.Contains("Oceanic Shadow Trading LLC", item.GetProperty("hits").ToString());
    }

    [Fact]
    public async Task A_list_change_flags_the_years_sales_to_a_newly_listed_customer_not_older_ones()
    {
        var today = DateOnly.FromDateTime(ComplianceApp.Start.UtcDateTime);
        var report = await Report(
            Line(1, "Glacier Bay Trading Company", invoiced: today.AddMonths(-2)),
            Line(2, "Glacier Bay Trading Company", invoiced: today.AddMonths(-13)));
        Assert.Equal(0, await app.Db.Scalar<long>("select count(*) from decisions where subject_id like @p", new { p = $"{report}:%" }));

        var response = await app.Officer().PostAsJsonAsync("/api/compliance/lists/entries", new
        {
            name = "Glacier Bay Trading Company",
            sourceList = "Manual entry",
            remarks = "Diverted switches to an embargoed destination (internal investigation 2026-14).",
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var change = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("changeId").GetGuid();

        var flagged = await app.Events.WaitFor<ScreeningDecided>(d => d.SubjectId == $"{report}:1" && d.ChangeId == change);
        Assert.Equal((ScreeningOutcome.Review, ScreeningOutcome.Clear), (flagged.Outcome, flagged.PreviousOutcome));
        await app.Rescreened();
        Assert.Equal(0, await app.Db.Scalar<long>("select count(*) from decisions where subject_id = @id", new { id = $"{report}:2" }));
        var impact = await app.Get($"/api/compliance/changes/{change}/impact?pageSize=500");
        Assert.Contains(impact.GetProperty("touched").EnumerateArray(), t => t.GetProperty("subjectId").GetString() == $"{report}:1");
    }
}
