using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Channel.Contracts.Distributors;
using Channel.Testing;
using static Channel.Distributors.Tests.DistributorsApp;

namespace Channel.Distributors.Tests;

public sealed class UploadingSellThrough(DistributorsApp app) : IClassFixture<DistributorsApp>
{
    static string Number() => $"POS-{Guid.NewGuid():N}"[..16];

    static Dictionary<int, List<string>> RejectedFields(JsonElement report) =>
        report.GetProperty("rejections").EnumerateArray()
            .GroupBy(r => r.GetProperty("line").GetInt32())
            .ToDictionary(g => g.Key, g => g.Select(r => r.GetProperty("field").GetString()!).ToList());

    [Fact]
    public async Task Lines_and_rejections_are_paged_by_line_number_without_gaps_or_repeats()
    {
        var distributor = await app.Onboard();
        var reseller = await app.AuthorizedReseller(distributor);
        var n = Number();
        // Lines 2–8 good, 9–15 refused (each for one field): seven of each.
        var rows = Enumerable.Range(1, 7).Select(i => Row(n, reseller, i))
            .Concat(Enumerable.Range(8, 7).Select(i => Row(n, reseller, i, currency: "XYZ")));
        var report = await (await app.Upload(app.Distributor(distributor), distributor, Csv([Header, .. rows]))).Content.ReadFromJsonAsync<JsonElement>();
        var id = report.GetProperty("id").GetGuid();
        var me = app.Distributor(distributor);

        async Task<List<int>> All(string kind, string number)
        {
            var seen = new List<int>();
            for (var after = 0; ;)
            {
                var page = (await me.GetFromJsonAsync<JsonElement>($"/api/distributors/reports/{id}/{kind}?after={after}&limit=3")).EnumerateArray()
                    .Select(l => l.GetProperty(number).GetInt32()).ToList();
                Assert.True(page.Count <= 3, $"a page of {page.Count}");
                seen.AddRange(page);
                if (page.Count < 3) return seen;
                after = page[^1];
            }
        }
        Assert.Equal(Enumerable.Range(2, 7), await All("lines", "lineNumber"));
        Assert.Equal(Enumerable.Range(9, 7), await All("rejections", "line"));
        Assert.Equal([12, 13], (await me.GetFromJsonAsync<JsonElement>($"/api/distributors/reports/{id}/rejections?after=11&limit=2"))
            .EnumerateArray().Select(r => r.GetProperty("line").GetInt32()));
        await (await me.GetAsync($"/api/distributors/reports/{id}/rejections?limit=0")).AssertBadRequest("limit");
        await (await me.GetAsync($"/api/distributors/reports/{id}/lines?after=-1")).AssertBadRequest("after");
    }

    [Fact]
    public async Task A_report_mixing_good_and_bad_lines_is_accepted_with_a_reason_for_each_bad_line()
    {
        var distributor = await app.Onboard();
        var reseller = await app.AuthorizedReseller(distributor);
        var stranger = await app.PartnerWithStatus("active"); // not authorized for this distributor
        var n = Number();
        var csv = Csv(Header,
            Row(n, reseller, 1),                                                   // line 2: good
            Row(n, Guid.NewGuid(), 2),                                             // 3: unknown reseller
            Row(n, stranger, 3),                                                   // 4: unauthorized reseller
            Row(n, reseller, 4, sku: "SW 9300 48P!"),                              // 5: bad SKU
            Row(n, reseller, 5, quantity: "-2", amount: "-3000.00"),              // 6: negative quantity on a sale
            Row(n, reseller, 6, amount: "3100.00"),                                // 7: amount is not quantity × price
            Row(n, reseller, 7, date: "2026-11-02"),                               // 8: date outside the period
            Row(n, reseller, 8, currency: "XYZ"),                                  // 9: unknown currency
            Row(n, reseller, 9, type: "return", quantity: "-1", amount: "-1500.00"), // 10: a return: good
            Row(n, reseller, 10, type: "gift"),                                    // 11: unknown transaction type
            Row(n, reseller, 11, date: "15/10/2026"));                             // 12: not a date

        var response = await app.Upload(app.Distributor(distributor), distributor, csv);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(11, report.GetProperty("totalLines").GetInt32());
        Assert.Equal(2, report.GetProperty("acceptedLines").GetInt32());
        Assert.Equal(9, report.GetProperty("rejectedLines").GetInt32());
        Assert.Equal(1500m, report.GetProperty("acceptedAmount").GetDecimal());
        var rejected = RejectedFields(report);
        Assert.Equal(["reseller_id"], rejected[3]);
        Assert.Equal(["reseller_id"], rejected[4]);
        Assert.Equal(["vendor_sku"], rejected[5]);
        Assert.Equal(["quantity"], rejected[6]);
        Assert.Equal(["extended_amount"], rejected[7]);
        Assert.Equal(["invoice_date"], rejected[8]);
        Assert.Equal(["currency"], rejected[9]);
        Assert.Equal(["transaction_type"], rejected[11]);
        Assert.Equal(["invoice_date"], rejected[12]);
        Assert.Equal([2, 10], (await app.Manager().GetFromJsonAsync<JsonElement>($"/api/distributors/reports/{report.GetProperty("id")}/lines"))
            .EnumerateArray().Select(l => l.GetProperty("lineNumber").GetInt32()));
    }

    [Fact]
    public async Task Quoted_commas_and_newlines_a_bom_crlf_and_a_trailing_empty_line_are_read()
    {
        var distributor = await app.Onboard();
        var reseller = await app.AuthorizedReseller(distributor);
        var n = Number();
        var quoted = Row(n, reseller, 1).Replace("Acme Clinics", "\"Acme Clinics, Inc.\nNorth Campus\"");
        var body = "\uFEFF" + (Header + "\r\n" + quoted + "\r\n" + Row(n, reseller, 2) + "\r\n\r\n");

        var report = await (await app.Upload(app.Distributor(distributor), distributor, body)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(2, report.GetProperty("acceptedLines").GetInt32());
        Assert.Equal(0, report.GetProperty("rejectedLines").GetInt32());
        var lines = await app.Distributor(distributor).GetFromJsonAsync<JsonElement>($"/api/distributors/reports/{report.GetProperty("id")}/lines");
        Assert.Equal("Acme Clinics, Inc.\nNorth Campus", lines[0].GetProperty("endCustomerName").GetString());
    }

    [Fact]
    public async Task Columns_may_come_in_any_order_and_optional_ones_may_be_left_out()
    {
        var distributor = await app.Onboard();
        var reseller = await app.AuthorizedReseller(distributor);
        var n = Number();
        var csv = Csv(
            "currency,extended_amount,unit_price,quantity,vendor_sku,end_customer_country,end_customer_name,reseller_id,transaction_type,invoice_date,invoice_number,period_end,period_start,report_number,distributor_notes",
            $"USD,750.00,250.00,3,WL-AP9-I,US,Zenith Dental,{reseller},sale,2026-10-03,INV-9,2026-10-31,2026-10-01,{n},ignored");

        var report = await (await app.Upload(app.Distributor(distributor), distributor, csv)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(1, report.GetProperty("acceptedLines").GetInt32());
    }

    [Fact]
    public async Task A_missing_required_column_refuses_the_whole_report()
    {
        var distributor = await app.Onboard();
        var reseller = await app.AuthorizedReseller(distributor);
        var n = Number();
        var header = Header.Replace("vendor_sku,", "").Replace(",currency", "");
        var row = string.Join(',', Row(n, reseller, 1).Split(',').Where((_, i) => i != 12 && i != 16));

        var response = await app.Upload(app.Distributor(distributor), distributor, Csv(header, row));

        var problem = await response.AssertBadRequest("header");
        var message = problem.GetProperty("errors").GetProperty("header")[0].GetString();
        Assert.Contains("vendor_sku", message);
        Assert.Contains("currency", message);
        Assert.Equal(0L, await app.Db.Scalar<long>("select count(*) from reports where report_number = @n", new { n }));
    }

    [Fact]
    public async Task Sending_the_same_report_number_again_gives_the_same_answer_and_doubles_nothing()
    {
        var distributor = await app.Onboard();
        var reseller = await app.AuthorizedReseller(distributor);
        var n = Number();
        var csv = Csv(Header, Row(n, reseller, 1), Row(n, reseller, 2), Row(n, reseller, 3, currency: "ABC"));
        var first = await app.Upload(app.Distributor(distributor), distributor, csv);
        var firstBody = await first.Content.ReadAsStringAsync();

        var again = await app.Upload(app.Distributor(distributor), distributor, csv);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(firstBody, await again.Content.ReadAsStringAsync());
        var id = JsonDocument.Parse(firstBody).RootElement.GetProperty("id").GetGuid();
        Assert.Equal(2L, await app.Db.Scalar<long>("select count(*) from report_lines where report_id = @id", new { id }));
        await app.Events.Settle(app.Db);
        Assert.Single(app.Events.Of<SellThroughReported>(), e => e.ReportId == id);
    }

    [Fact]
    public async Task Accepted_lines_arrive_as_complete_numbered_batches()
    {
        var distributor = await app.Onboard();
        var reseller = await app.AuthorizedReseller(distributor);
        var n = Number();
        var rows = Enumerable.Range(1, 11).Select(i => Row(n, reseller, i, currency: i == 5 ? "BAD" : "USD")).ToArray();

        var report = await (await app.Upload(app.Distributor(distributor), distributor, Csv([Header, .. rows]))).Content.ReadFromJsonAsync<JsonElement>();
        var id = report.GetProperty("id").GetGuid();

        var batches = await app.Events.WaitForCount(e => e.Message is SellThroughReported r && r.ReportId == id, 4);
        var messages = batches.Select(b => (SellThroughReported)b.Message).OrderBy(b => b.Batch).ToList();
        Assert.Equal([1, 2, 3, 4], messages.Select(m => m.Batch));
        Assert.All(messages, m => Assert.Equal(4, m.BatchCount));
        Assert.All(messages, m => Assert.True(m.Lines.Count <= BatchLines));
        Assert.Equal(Enumerable.Range(2, 11).Where(l => l != 6), messages.SelectMany(m => m.Lines).Select(l => l.LineNumber).Order());
        Assert.Equal(4, report.GetProperty("batches").GetInt32());
    }

    [Fact]
    public async Task A_report_can_be_sent_as_json()
    {
        var distributor = await app.Onboard();
        var reseller = await app.AuthorizedReseller(distributor);
        var n = Number();
        var lines = new[]
        {
            new Dictionary<string, object?> { ["report_number"] = n, ["period_start"] = "2026-10-01", ["period_end"] = "2026-10-31", ["invoice_number"] = "J-1",
                ["invoice_date"] = "2026-10-20", ["transaction_type"] = "sale", ["reseller_id"] = reseller, ["end_customer_name"] = "Json Health",
                ["end_customer_country"] = "US", ["vendor_sku"] = "SW-1", ["quantity"] = 4, ["unit_price"] = 100.25, ["extended_amount"] = 401.00,
                ["currency"] = "USD" },
            new Dictionary<string, object?> { ["report_number"] = n, ["period_start"] = "2026-10-01", ["period_end"] = "2026-10-31", ["invoice_number"] = "J-2",
                ["invoice_date"] = "2026-10-21", ["transaction_type"] = "sale", ["reseller_id"] = reseller, ["end_customer_name"] = "Json Health",
                ["end_customer_country"] = "US", ["vendor_sku"] = "SW-1", ["quantity"] = 1, ["unit_price"] = 10, ["extended_amount"] = 99,
                ["currency"] = "USD" },
        };

        var response = await app.Upload(app.Distributor(distributor), distributor, JsonSerializer.Serialize(lines), "application/json");

        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("json", report.GetProperty("format").GetString());
        Assert.Equal(1, report.GetProperty("acceptedLines").GetInt32());
        Assert.Equal(["extended_amount"], RejectedFields(report)[2]);
    }

    [Fact]
    public async Task A_manager_uploads_on_a_distributors_behalf_and_leadership_or_a_partner_may_not()
    {
        var distributor = await app.Onboard();
        var reseller = await app.AuthorizedReseller(distributor);
        var other = await app.Onboard();
        string Report(string n) => DistributorsApp.Csv(DistributorsApp.Header, DistributorsApp.Row(n, reseller, 1), DistributorsApp.Row(n, reseller, 2));

        var byManager = await app.Upload(app.Manager(), distributor, Report(Number()));

        Assert.Equal(HttpStatusCode.Created, byManager.StatusCode);
        var report = await byManager.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((distributor, 2), (report.GetProperty("distributorId").GetGuid(), report.GetProperty("acceptedLines").GetInt32()));
        Assert.Equal("test-channel-manager", report.GetProperty("receivedBy").GetString());
        // It is the distributor's report: the distributor sees it, another distributor does not.
        var id = report.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await app.Distributor(distributor).GetAsync($"/api/distributors/reports/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Distributor(other).GetAsync($"/api/distributors/reports/{id}")).StatusCode);
        // Reading is not writing: leadership may not upload; a partner does not even see the distributor.
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Upload(app.Leader(), distributor, Report(Number()))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Upload(app.Partner(reseller), distributor, Report(Number()))).StatusCode);
        Assert.Equal(1L, await app.Db.Scalar<long>("select count(*) from reports where distributor_id = @distributor", new { distributor }));
    }

    [Fact]
    public async Task Reports_are_listed_by_distributor_and_period_and_each_distributor_sees_only_its_own()
    {
        var distributor = await app.Onboard();
        var other = await app.Onboard();
        var reseller = await app.AuthorizedReseller(distributor);
        var october = Number();
        var september = Number();
        await app.Upload(app.Distributor(distributor), distributor, Csv(Header, Row(october, reseller, 1)));
        await app.Upload(app.Distributor(distributor), distributor,
            Csv(Header, Row(september, reseller, 1, date: "2026-09-10", period: "2026-09-01,2026-09-30")));

        var all = await app.Distributor(distributor).GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/reports");
        var inSeptember = await app.Manager().GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/reports?from=2026-09-01&to=2026-09-30");

        Assert.Equal([october, september], all.EnumerateArray().Select(r => r.GetProperty("reportNumber").GetString()));
        Assert.Equal([september], inSeptember.EnumerateArray().Select(r => r.GetProperty("reportNumber").GetString()));
        var reportId = all[0].GetProperty("id").GetGuid();
        await (await app.Distributor(other).GetAsync($"/api/distributors/reports/{reportId}")).AssertProblem(HttpStatusCode.NotFound);
        await (await app.Distributor(other).GetAsync($"/api/distributors/reports/{reportId}/lines")).AssertProblem(HttpStatusCode.NotFound);
        await (await app.Distributor(other).GetAsync($"/api/distributors/{distributor}/reports")).AssertProblem(HttpStatusCode.NotFound);
        await (await app.Distributor(other).PostAsync($"/api/distributors/{distributor}/reports",
            new StringContent(Csv(Header, Row(Number(), reseller, 1)), Encoding.UTF8, "text/csv"))).AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await app.Leader().GetAsync($"/api/distributors/reports/{reportId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Distributor(distributor).GetAsync("/api/distributors/reports")).StatusCode);
    }

    [Theory]
    [InlineData("text/plain", "x", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("text/csv", "", HttpStatusCode.BadRequest)]
    [InlineData("text/csv", "not,a,header\n1,2,3\n", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "{\"lines\": 5", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "[1, 2", HttpStatusCode.BadRequest)]
    public async Task An_unreadable_report_is_refused_and_nothing_is_stored(string contentType, string body, HttpStatusCode expected)
    {
        var distributor = await app.Onboard();

        var response = await app.Upload(app.Distributor(distributor), distributor, body, contentType);

        await response.AssertProblem(expected);
        Assert.Equal(0L, await app.Db.Scalar<long>("select count(*) from reports where distributor_id = @distributor", new { distributor }));
    }

    /// <summary>Bodies that must be refused whole, before a line is read: each is 400 naming the body, never 500, and stores nothing.</summary>
    public static TheoryData<string, string, string> Hostile
    {
        get
        {
            var line = Row("R-1", Guid.NewGuid(), 1);
            var json = """[{"report_number":"R-1","period_start":"2026-10-01","period_end":"2026-10-31","invoice_number":"I","invoice_date":"2026-10-15","transaction_type":"sale","reseller_id":"00000000-0000-0000-0000-000000000001","end_customer_name":"X","end_customer_country":"US","vendor_sku":"SW-1","quantity":1,"unit_price":1,"extended_amount":1,"currency":"USD"}]""";
            return new()
            {
                { "invalid UTF-8 in a JSON report", "application/json", json.Replace("\"X\"", "\"\xC3\x28\"") },
                { "a lone surrogate encoded in a JSON report", "application/json", json.Replace("\"X\"", "\"\xED\xA0\x80\"") },
                { "a lone surrogate escaped in a JSON report", "application/json", json.Replace("\"X\"", "\"ab\\ud800cd\"") },
                { "invalid UTF-8 in a CSV report", "text/csv", Csv(Header, line.Replace("Acme Clinics", "Acme \xC3\x28 Clinics")) },
                { "a CSV field longer than 4,096 characters", "text/csv", Csv(Header, line.Replace("Acme Clinics", "\"" + new string('x', 5000) + "\"")) },
                { "a CSV line longer than 64 KB", "text/csv", Csv(Header, line.Replace("Acme Clinics", new string('x', 70_000))) },
                { "a JSON report nested deeper than lines of values", "application/json", json.Replace("\"X\"", "{\"a\":[[[1]]]}") },
                { "a JSON line object longer than 64 KB", "application/json", json.Replace("\"X\"", "\"" + new string('x', 70_000) + "\"") },
            };
        }
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task A_hostile_body_is_refused_whole_naming_the_body(string what, string contentType, string body)
    {
        var distributor = await app.Onboard();
        // The test's strings carry the raw bytes as chars \x00-\xFF: sent as Latin-1 they arrive as those bytes exactly.
        var content = new ByteArrayContent(body.Select(c => (byte)c).ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

        var response = await app.Distributor(distributor).PostAsync($"/api/distributors/{distributor}/reports", content);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await response.AssertBadRequest("body");
        Assert.Equal(0L, await app.Db.Scalar<long>("select count(*) from reports where distributor_id = @distributor", new { distributor }));
    }

    [Fact]
    public async Task A_report_whose_period_cannot_be_read_is_refused_naming_the_field()
    {
        var distributor = await app.Onboard();
        var reseller = await app.AuthorizedReseller(distributor);

        var response = await app.Upload(app.Distributor(distributor), distributor,
            Csv(Header, Row(Number(), reseller, 1, period: "2026-10-31,2026-10-01")));

        await response.AssertBadRequest("period_end");
    }
}
