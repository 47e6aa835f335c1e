using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Channel.Contracts.Distributors;
using Channel.Testing;
using static Channel.Distributors.Tests.DistributorsApp;

namespace Channel.Distributors.Tests;

/// <summary>
/// A report number names one report: sent again with the same content it is answered as before;
/// with other content it is refused, naming what differs.
/// </summary>
public sealed class ReceivingReportsOnce(DistributorsApp app) : IClassFixture<DistributorsApp>
{
    static string Number() => $"POS-{Guid.NewGuid():N}"[..16];

    [Fact]
    public async Task A_report_number_sent_again_with_other_content_is_refused_naming_the_difference_and_nothing_is_stored()
    {
        var distributor = await app.Onboard();
        var reseller = await app.AuthorizedReseller(distributor);
        var n = Number();
        var first = await app.Upload(app.Distributor(distributor), distributor, Csv(Header, Row(n, reseller, 1), Row(n, reseller, 2)));
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var corrected = await app.Upload(app.Distributor(distributor), distributor,
            Csv(Header, Row(n, reseller, 1), Row(n, reseller, 2, quantity: "3", amount: "4500.00"), Row(n, reseller, 3)));

        var problem = await corrected.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal($"/api/distributors/reports/{id}", problem.GetProperty("existingReport").GetString());
        var differences = problem.GetProperty("differences");
        Assert.Equal((2, 3), (differences.GetProperty("totalLines").GetProperty("received").GetInt32(), differences.GetProperty("totalLines").GetProperty("sent").GetInt32()));
        Assert.Equal((6000m, 10500m), (differences.GetProperty("acceptedAmount").GetProperty("received").GetDecimal(),
            differences.GetProperty("acceptedAmount").GetProperty("sent").GetDecimal()));
        Assert.True(differences.TryGetProperty("contentSha256", out _));
        Assert.False(differences.TryGetProperty("periodStart", out _));
        Assert.Contains("totalLines", problem.GetProperty("detail").GetString());
        Assert.Equal(2L, await app.Db.Scalar<long>("select count(*) from report_lines where report_id = @id", new { id }));
        Assert.Equal(1L, await app.Db.Scalar<long>("select count(*) from reports where report_number = @n", new { n }));
        await app.Events.Settle(app.Db);
        Assert.Single(app.Events.Of<SellThroughReported>(), e => e.ReportId == id);
    }

    [Fact]
    public async Task The_same_content_sent_as_json_after_csv_is_other_content()
    {
        var distributor = await app.Onboard();
        var reseller = await app.AuthorizedReseller(distributor);
        var n = Number();
        (await app.Upload(app.Distributor(distributor), distributor, Csv(Header, Row(n, reseller, 1)))).EnsureSuccessStatusCode();
        var json = JsonSerializer.Serialize(new[]
        {
            new Dictionary<string, object?> { ["report_number"] = n, ["period_start"] = "2026-10-01", ["period_end"] = "2026-10-31", ["invoice_number"] = "INV-1",
                ["invoice_date"] = "2026-10-15", ["transaction_type"] = "sale", ["reseller_id"] = reseller, ["end_customer_name"] = "Acme Clinics",
                ["end_customer_country"] = "US", ["vendor_sku"] = "SW-9300-48P", ["quantity"] = 2, ["unit_price"] = 1500.00, ["extended_amount"] = 3000.00,
                ["currency"] = "USD" },
        });

        var again = await app.Upload(app.Distributor(distributor), distributor, json, "application/json");

        var differences = (await again.AssertProblem(HttpStatusCode.Conflict)).GetProperty("differences");
        Assert.Equal(["contentSha256"], differences.EnumerateObject().Select(p => p.Name));
    }
}
