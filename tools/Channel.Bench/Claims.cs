using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Channel.Load;

/// <summary>
/// Ship-and-debit claims against the running system (./channel up): a reseller's approved deal earns a price
/// authorization; its distributor reports N sales (one sell-through report of N lines, timed as the ceiling next to it:
/// the same lines through the sell-through ingestion), then claims all N against the PA in one CSV claim through the
/// gateway. Measures claim lines decided and stored per second (until the 201), and how every line was decided.
/// </summary>
static class Claims
{
    public sealed record Result(int Lines, double ClaimSeconds, double ReportSeconds, string Decisions);

    const string Sku = "SW-9300-48P";

    public static async Task<Result> Run(Options options)
    {
        var lines = options.ClaimLines;
        using var http = new HttpClient { BaseAddress = new Uri(RunningSystem.Gateway), Timeout = TimeSpan.FromMinutes(10) };
        var manager = RunningSystem.Token("channel-manager");
        Console.WriteLine($"Claims: one claim of {lines:N0} lines as CSV through {RunningSystem.Gateway}");

        // The price book has the SKU (the same list again changes nothing).
        await Send(http, HttpMethod.Post, "/api/pricing/price-lists?name=bench", manager,
            new StringContent($"sku,product_family,list_price,distributor_cost,currency,effective_from\n{Sku},switching,12000.00,7440.00,USD,2020-01-01\n",
                Encoding.UTF8, "text/csv"));
        var partner = (await Onboarding.Partners(http, manager, 1))[0];
        var distributor = (await Send(http, HttpMethod.Post, "/api/distributors", manager, JsonContent.Create(new
        {
            name = $"Bench Claims {Guid.NewGuid():N}"[..26],
            countries = new[] { "US" },
            regions = new[] { "CA" },
            contacts = new[] { new { name = "Bench Desk", email = "desk@bench-claims.example", role = "partner sales" } },
        }))).GetProperty("id").GetGuid();
        await Retry(() => Send(http, HttpMethod.Post, $"/api/distributors/{distributor}/authorizations", manager,
            JsonContent.Create(new { partnerId = partner, regions = new[] { "CA" } })));
        var partnerToken = RunningSystem.Token("partner", partner);
        var deal = await Retry(() => Send(http, HttpMethod.Post, "/api/deals", partnerToken, JsonContent.Create(new
        {
            customer = new { legalName = $"Bench Claims Customer {Guid.NewGuid():N}", country = "US", region = "CA", sector = "commercial" },
            products = new[] { new { sku = Sku, quantity = lines, amount = 6_000m * lines } },
            totalValue = 6_000m * lines,
            currency = "USD",
            expectedClose = DateTime.UtcNow.AddDays(60).ToString("yyyy-MM-dd"),
        })));
        var dealId = deal.GetProperty("id").GetGuid();
        // Once the Compliance service has screened it (409 until then).
        await Retry(() => Send(http, HttpMethod.Post, $"/api/deals/{dealId}/approve", manager, null));
        var pa = await Retry(async () =>
        {
            var found = await Send(http, HttpMethod.Get, $"/api/pricing/authorizations?dealId={dealId}", manager, null);
            return found.GetProperty("total").GetInt32() > 0 ? found.GetProperty("items")[0] : throw new InvalidOperationException("no PA yet");
        });
        var line = pa.GetProperty("lines")[0];
        var (number, book, net) = (pa.GetProperty("number").GetString()!, line.GetProperty("bookCost").GetDecimal(), line.GetProperty("netCost").GetDecimal());
        Console.WriteLine($"{number}: {lines:N0} × {Sku}, book {book}, net {net}");

        var distributorToken = RunningSystem.Token("distributor", distributor: distributor);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var report = new StringBuilder("report_number,period_start,period_end,invoice_number,invoice_date,transaction_type,reseller_id,end_customer_name,end_customer_country,vendor_sku,quantity,unit_price,extended_amount,currency\n");
        var claim = new StringBuilder("claim_number,pa_number,invoice_number,invoice_date,reseller_id,end_customer_name,vendor_sku,quantity,book_cost,authorized_cost,claimed_amount\n");
        var credit = (book - net).ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i < lines; i++)
        {
            report.Append(CultureInfo.InvariantCulture, $"BR-{tag},{DateTime.UtcNow:yyyy-MM-01},{today},INV-{tag}-{i},{today},sale,{partner},Bench Buyer {i % 500},US,{Sku},1,{net},{net},USD\n");
            claim.Append(CultureInfo.InvariantCulture, $"BC-{tag},{number},INV-{tag}-{i},{today},{partner},Bench Buyer {i % 500},{Sku},1,{book},{net},{credit}\n");
        }

        var clock = Stopwatch.StartNew();
        await Send(http, HttpMethod.Post, $"/api/distributors/{distributor}/reports", distributorToken, new StringContent(report.ToString(), Encoding.UTF8, "text/csv"));
        var reportSeconds = clock.Elapsed.TotalSeconds;
        // Pricing hears of the sales (every batch) before the claim, so each line can be accepted outright.
        await Ingestion.Drained();

        clock.Restart();
        var answer = await Send(http, HttpMethod.Post, "/api/pricing/claims", distributorToken, new StringContent(claim.ToString(), Encoding.UTF8, "text/csv"));
        var claimSeconds = clock.Elapsed.TotalSeconds;
        var decisions = string.Join(", ", answer.GetProperty("lines").EnumerateArray()
            .GroupBy(l => $"{l.GetProperty("status").GetString()}{(l.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? " " + r.GetString() : "")}")
            .Select(g => $"{g.Count():N0} {g.Key}"));

        Console.WriteLine();
        Console.WriteLine("| figure | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| one claim of {lines:N0} lines decided and stored (until the 201) | {claimSeconds:F2} s = **{lines / claimSeconds:N0} lines/s** |");
        Console.WriteLine($"| the same {lines:N0} sales as one sell-through report (until the 201) | {reportSeconds:F2} s = {lines / reportSeconds:N0} lines/s |");
        Console.WriteLine($"| how the claim's lines were decided | {decisions} |");
        return new Result(lines, claimSeconds, reportSeconds, decisions);
    }

    static async Task<JsonElement> Send(HttpClient http, HttpMethod method, string path, string token, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content, Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text[..Math.Min(text.Length, 1000)]}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>What another service learns from events takes a moment: try for up to 20 s.</summary>
    static async Task<T> Retry<T>(Func<Task<T>> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try { return await call(); }
            catch (InvalidOperationException) when (attempt < 80) { await Task.Delay(250); }
        }
    }
}
