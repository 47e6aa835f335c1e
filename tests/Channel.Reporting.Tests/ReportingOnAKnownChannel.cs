using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Deals;
using Channel.Contracts.Distributors;
using Channel.Contracts.Partners;
using Channel.Testing;

namespace Channel.Reporting.Tests;

/// <summary>
/// A small channel whose figures are worked out by hand, played into the service out of order and
/// with duplicates; every report must show exactly those figures, and each caller only its share.
/// </summary>
public sealed class KnownChannel : IAsyncLifetime
{
    public ReportingApp App { get; } = new();
    public Guid P1 { get; } = Guid.NewGuid(); // gold, California
    public Guid P2 { get; } = Guid.NewGuid(); // silver, Texas
    public Guid D1 { get; } = Guid.NewGuid(); // serves P2
    public Guid D2 { get; } = Guid.NewGuid();
    public Guid A { get; } = Guid.NewGuid();
    public Guid B { get; } = Guid.NewGuid();
    public Guid C { get; } = Guid.NewGuid();
    public Guid D { get; } = Guid.NewGuid();
    static readonly DateTimeOffset now = DateTimeOffset.UtcNow;

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)App).InitializeAsync();
        var bus = App.Bus;
        var messages = 0;
        async Task Send<T>(T message, Guid? id = null) where T : class { await bus.Publish(message, id); messages++; }

        await Send(new PartnerApproved { PartnerId = P1, Version = 2, OccurredAt = now, Actor = "m", Partner = States.Partner(PartnerStatus.Active, "gold", "Golden Bear Networks", "CA") });
        await Send(new PartnerApproved { PartnerId = P2, Version = 2, OccurredAt = now, Actor = "m", Partner = States.Partner(PartnerStatus.Active, "silver", "Lone Star Systems", "TX") });
        await Send(new DistributorOnboarded { DistributorId = D1, Version = 1, OccurredAt = now, Actor = "m", Distributor = new() { Name = "Southwest Supply", Countries = ["US"], Regions = ["TX"] } });
        await Send(new DistributorOnboarded { DistributorId = D2, Version = 1, OccurredAt = now, Actor = "m", Distributor = new() { Name = "Western Wholesale", Countries = ["US"], Regions = ["CA"] } });
        await Send(new ResellerAuthorized { AuthorizationId = Guid.NewGuid(), Version = 1, OccurredAt = now, Actor = "m", Authorization = States.Authorization(D1, P2, true, "TX") });

        // A: P1, CA, Dec, 100 → approved after 2 days → won at 90. Played newest first, then the stale versions.
        await Send(new DealWon { DealId = A, Version = 3, OccurredAt = now, Actor = "p", Source = "registrant", Deal = State(A, P1, null, "CA", "2026-12-15", 100, "won", -30, 2, actual: 90) });
        await Send(new DealRegistered { DealId = A, Version = 1, OccurredAt = now, Actor = "p", Deal = State(A, P1, null, "CA", "2026-12-15", 100, "submitted", -30) });
        await Send(new DealApproved { DealId = A, Version = 2, OccurredAt = now, Actor = "m", Deal = State(A, P1, null, "CA", "2026-12-15", 100, "approved", -30, 2) });
        // B: P1, CA, Dec, 50 → approved after 1 day → lost.
        await Send(new DealRegistered { DealId = B, Version = 1, OccurredAt = now, Actor = "p", Deal = State(B, P1, null, "CA", "2026-12-20", 50, "submitted", -20) });
        await Send(new DealLost { DealId = B, Version = 3, OccurredAt = now, Actor = "p", Reason = "price", Deal = State(B, P1, null, "CA", "2026-12-20", 50, "lost", -20, 1) });
        // C: P2 through D1, TX, Jan, 200 → approved after 4 days, protection ends in 10 days. The approval arrives twice.
        await Send(new DealRegistered { DealId = C, Version = 1, OccurredAt = now, Actor = "d", Deal = State(C, P2, D1, "TX", "2027-01-10", 200, "submitted", -5) });
        var approvedC = new DealApproved { DealId = C, Version = 2, OccurredAt = now, Actor = "m", Deal = State(C, P2, D1, "TX", "2027-01-10", 200, "approved", -5, 4, protectionEnds: now.AddDays(10)) };
        var once = Guid.NewGuid();
        await Send(approvedC, once);
        await bus.Publish(approvedC, once);
        // D: P2 direct, TX, Jan, 30, waiting for 40 days.
        await Send(new DealRegistered { DealId = D, Version = 1, OccurredAt = now, Actor = "p", Deal = State(D, P2, null, "TX", "2027-01-05", 30, "submitted", -40) });

        // Sell-through: D1 sells for P2 in TX (October 1,500 over two SKUs; a November return of 100); D2 sells 300 for P1 in November.
        var report = Report(D1, ("2026-10-03", P2, "SW-1", 2, 1000, "TX"), ("2026-10-08", P2, "WL-1", 5, 500, "TX"), ("2026-11-02", P2, "SW-1", -1, -100, "TX"));
        var reportId = Guid.NewGuid();
        await Send(report, reportId);
        await bus.Publish(report, reportId); // redelivered: counted once
        await Send(report); // published again under another message id (a replay, weeks later): its (report, batch) is counted once
        await Send(Report(D2, ("2026-11-20", P1, "SW-1", 1, 300, "CA")));
        var link = new SellThroughLinked
        {
            DealId = C,
            PartnerId = P2,
            ReportId = report.ReportId,
            Batch = 1,
            DistributorId = D1,
            OccurredAt = now,
            Lines = [new LinkedSellThroughLine { LineNumber = 2, InvoiceDate = new DateOnly(2026, 10, 3), Amount = 600, Rule = "deal_id" }],
        };
        await Send(link);
        await Send(link); // again under another message id: counted once

        await App.WaitForInbox(messages);
    }

    static DealState State(Guid id, Guid partner, Guid? distributor, string region, string close, decimal value, string status, int submittedDaysAgo,
        int? approvedAfterDays = null, decimal? actual = null, DateTimeOffset? protectionEnds = null) => new()
        {
            Status = status,
            PartnerId = partner,
            DistributorId = distributor,
            CustomerName = $"Customer {id:N}"[..17],
            CustomerCountry = "US",
            CustomerRegion = region,
            CustomerSector = "commercial",
            ProductFamilies = ["switching"],
            TotalValue = value,
            Currency = "USD",
            ExpectedClose = DateOnly.Parse(close),
            SubmittedAt = now.AddDays(submittedDaysAgo),
            ApprovedAt = approvedAfterDays is { } a ? now.AddDays(submittedDaysAgo + a) : null,
            ProtectionEndsAt = protectionEnds ?? (approvedAfterDays is { } b ? now.AddDays(submittedDaysAgo + b + 90) : null),
            ActualAmount = actual,
        };

    static SellThroughReported Report(Guid distributor, params (string Date, Guid Reseller, string Sku, decimal Units, decimal Amount, string Region)[] lines) => new()
    {
        ReportId = Guid.NewGuid(),
        DistributorId = distributor,
        ReportNumber = $"R-{Guid.NewGuid():N}"[..10],
        PeriodStart = new DateOnly(2026, 10, 1),
        PeriodEnd = new DateOnly(2026, 11, 30),
        Batch = 1,
        BatchCount = 1,
        OccurredAt = now,
        Lines = [.. lines.Select((l, i) => new SellThroughLine
        {
            LineNumber = i + 2, InvoiceNumber = $"I-{i}", InvoiceDate = DateOnly.Parse(l.Date), TransactionType = l.Units < 0 ? "return" : "sale",
            ResellerId = l.Reseller, EndCustomerName = "Somebody", EndCustomerCountry = "US", EndCustomerRegion = l.Region, VendorSku = l.Sku,
            Quantity = l.Units, UnitPrice = l.Amount / l.Units, ExtendedAmount = l.Amount, Currency = "USD",
        })],
    };

    public Task DisposeAsync() => ((IAsyncLifetime)App).DisposeAsync();
}

public sealed class ReportingOnAKnownChannel(KnownChannel channel) : IClassFixture<KnownChannel>
{
    static Dictionary<string, (long Deals, decimal Value)> Slices(JsonElement rows) =>
        rows.EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!, r => (r.GetProperty("deals").GetInt64(), r.GetProperty("value").GetDecimal()));

    [Fact]
    public async Task The_pipeline_shows_the_hand_computed_figures()
    {
        var report = await channel.App.As("leadership").GetFromJsonAsync<JsonElement>("/api/reports/pipeline");

        var totals = report.GetProperty("totals");
        Assert.Equal(4, totals.GetProperty("deals").GetInt64());
        Assert.Equal(370m, totals.GetProperty("value").GetDecimal());
        Assert.Equal(0.5m, totals.GetProperty("winRate").GetDecimal());
        Assert.Equal(2.33m, totals.GetProperty("averageDaysToApprove").GetDecimal());
        Assert.Equal(new Dictionary<string, (long, decimal)> { ["approved"] = (1, 200m), ["lost"] = (1, 50m), ["submitted"] = (1, 30m), ["won"] = (1, 90m) },
            Slices(report.GetProperty("byStage")));
        Assert.Equal(new Dictionary<string, (long, decimal)> { ["CA"] = (2, 140m), ["TX"] = (2, 230m) }, Slices(report.GetProperty("byRegion")));
        Assert.Equal(new Dictionary<string, (long, decimal)> { ["2026-12"] = (2, 140m), ["2027-01"] = (2, 230m) }, Slices(report.GetProperty("byMonth")));
        Assert.Equal(new Dictionary<string, (long, decimal)> { ["gold"] = (2, 140m), ["silver"] = (2, 230m) }, Slices(report.GetProperty("byTier")));
        Assert.Equal(new Dictionary<string, (long, decimal)> { ["direct"] = (3, 170m), [channel.D1.ToString()] = (1, 200m) }, Slices(report.GetProperty("byDistributor")));
        Assert.Equal("Golden Bear Networks", report.GetProperty("byPartner").EnumerateArray().Single(p => p.GetProperty("key").GetString() == channel.P1.ToString()).GetProperty("label").GetString());
        Assert.Equal(new Dictionary<string, (long, decimal)> { ["0-30 days"] = (1, 200m), ["31-60 days"] = (1, 30m), ["61-90 days"] = (0, 0m), ["over 90 days"] = (0, 0m) },
            Slices(report.GetProperty("ageing")));
        Assert.Equal([channel.C], report.GetProperty("expiringSoon").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task Filters_narrow_every_figure()
    {
        var texas = await channel.App.As("channel-manager").GetFromJsonAsync<JsonElement>("/api/reports/pipeline?region=TX");
        var december = await channel.App.As("channel-manager").GetFromJsonAsync<JsonElement>("/api/reports/pipeline?from=2026-12&to=2026-12");
        var viaD1 = await channel.App.As("channel-manager").GetFromJsonAsync<JsonElement>($"/api/reports/pipeline?distributorId={channel.D1}");

        Assert.Equal(230m, texas.GetProperty("totals").GetProperty("value").GetDecimal());
        Assert.Equal(140m, december.GetProperty("totals").GetProperty("value").GetDecimal());
        Assert.Equal(1, december.GetProperty("totals").GetProperty("won").GetInt64());
        Assert.Equal(200m, viaD1.GetProperty("totals").GetProperty("value").GetDecimal());

        // Filtered by partner, every slice comes from the partner-level sums; unfiltered, from the rollups: the same figures.
        var p1 = await channel.App.As("leadership").GetFromJsonAsync<JsonElement>($"/api/reports/pipeline?partnerId={channel.P1}");
        Assert.Equal(140m, p1.GetProperty("totals").GetProperty("value").GetDecimal());
        Assert.Equal(new Dictionary<string, (long, decimal)> { ["lost"] = (1, 50m), ["won"] = (1, 90m) }, Slices(p1.GetProperty("byStage")));
        Assert.Equal(new Dictionary<string, (long, decimal)> { ["gold"] = (2, 140m) }, Slices(p1.GetProperty("byTier")));
        var wonOnly = await channel.App.As("leadership").GetFromJsonAsync<JsonElement>("/api/reports/pipeline?status=won");
        Assert.Equal(new Dictionary<string, (long, decimal)> { ["gold"] = (1, 90m) }, Slices(wonOnly.GetProperty("byTier")));
        Assert.Equal(channel.P1.ToString(), Assert.Single(wonOnly.GetProperty("byPartner").EnumerateArray()).GetProperty("key").GetString());
    }

    [Fact]
    public async Task Each_caller_sees_only_its_own_figures()
    {
        var p1 = await channel.App.As("partner", channel.P1).GetFromJsonAsync<JsonElement>("/api/reports/pipeline");
        var p1AskingForP2 = await channel.App.As("partner", channel.P1).GetFromJsonAsync<JsonElement>($"/api/reports/pipeline?partnerId={channel.P2}");
        var d1 = await channel.App.As("distributor", distributor: channel.D1).GetFromJsonAsync<JsonElement>("/api/reports/pipeline");
        var d2 = await channel.App.As("distributor", distributor: channel.D2).GetFromJsonAsync<JsonElement>("/api/reports/pipeline");

        Assert.Equal((2, 140m), (p1.GetProperty("totals").GetProperty("deals").GetInt64(), p1.GetProperty("totals").GetProperty("value").GetDecimal()));
        Assert.Equal(0, p1AskingForP2.GetProperty("totals").GetProperty("deals").GetInt64());
        Assert.Equal((2, 230m), (d1.GetProperty("totals").GetProperty("deals").GetInt64(), d1.GetProperty("totals").GetProperty("value").GetDecimal()));
        Assert.Equal(0, d2.GetProperty("totals").GetProperty("deals").GetInt64());
        Assert.DoesNotContain(p1.GetProperty("byPartner").EnumerateArray(), p => p.GetProperty("key").GetString() == channel.P2.ToString());
    }

    [Fact]
    public async Task Sell_through_by_month_distributor_partner_and_sku_with_registration_coverage()
    {
        var report = await channel.App.As("leadership").GetFromJsonAsync<JsonElement>("/api/reports/sell-through");

        var months = report.GetProperty("byMonth").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!);
        Assert.Equal(1500m, months["2026-10"].GetProperty("revenue").GetDecimal());
        Assert.Equal(7m, months["2026-10"].GetProperty("units").GetDecimal());
        Assert.Equal(600m, months["2026-10"].GetProperty("registered").GetDecimal());
        Assert.Equal(0.4m, months["2026-10"].GetProperty("coverage").GetDecimal());
        Assert.Equal(200m, months["2026-11"].GetProperty("revenue").GetDecimal());
        Assert.Equal(0m, months["2026-11"].GetProperty("coverage").GetDecimal());
        Assert.Equal(1700m, report.GetProperty("totals").GetProperty("revenue").GetDecimal());
        Assert.Equal(600m, report.GetProperty("totals").GetProperty("registered").GetDecimal());
        var byDistributor = report.GetProperty("byDistributor").EnumerateArray().ToDictionary(r => r.GetProperty("label").GetString()!, r => r.GetProperty("revenue").GetDecimal());
        Assert.Equal(new Dictionary<string, decimal> { ["Southwest Supply"] = 1400m, ["Western Wholesale"] = 300m }, byDistributor);
        var bySku = report.GetProperty("bySku").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!, r => r.GetProperty("revenue").GetDecimal());
        Assert.Equal(new Dictionary<string, decimal> { ["SW-1"] = 1200m, ["WL-1"] = 500m }, bySku);
    }

    [Theory]
    [InlineData("/api/reports/pipeline/partner")]
    [InlineData("/api/reports/pipeline/stage")]
    [InlineData("/api/reports/pipeline/tier")]
    [InlineData("/api/reports/pipeline/region")]
    [InlineData("/api/reports/pipeline/distributor")]
    [InlineData("/api/reports/pipeline/month")]
    [InlineData("/api/reports/pipeline/ageing")]
    public async Task Every_pipeline_slice_holds_only_the_partners_own_deals(string path)
    {
        var mine = await channel.App.As("partner", channel.P1).GetFromJsonAsync<JsonElement>(path);
        var all = await channel.App.As("leadership").GetFromJsonAsync<JsonElement>(path);

        // P1 has two deals, both closed (so none in the ageing of open deals); everyone else's are not counted.
        Assert.Equal(path.EndsWith("ageing") ? 0 : 2, mine.EnumerateArray().Sum(r => r.GetProperty("deals").GetInt64()));
        Assert.True(all.EnumerateArray().Sum(r => r.GetProperty("deals").GetInt64()) > mine.EnumerateArray().Sum(r => r.GetProperty("deals").GetInt64()));
    }

    [Theory]
    [InlineData("month")]
    [InlineData("distributor")]
    [InlineData("partner")]
    [InlineData("sku")]
    public async Task Every_sell_through_slice_holds_only_the_distributors_own_sales(string view)
    {
        var mine = await channel.App.As("distributor", distributor: channel.D1).GetFromJsonAsync<JsonElement>($"/api/reports/sell-through/{view}");

        Assert.Equal(1400m, mine.EnumerateArray().Sum(r => r.GetProperty("revenue").GetDecimal()));
    }

    [Fact]
    public async Task Sell_through_is_scoped_too()
    {
        var d1 = await channel.App.As("distributor", distributor: channel.D1).GetFromJsonAsync<JsonElement>("/api/reports/sell-through");
        var p1 = await channel.App.As("partner", channel.P1).GetFromJsonAsync<JsonElement>("/api/reports/sell-through");

        Assert.Equal(1400m, d1.GetProperty("totals").GetProperty("revenue").GetDecimal());
        Assert.Equal(300m, p1.GetProperty("totals").GetProperty("revenue").GetDecimal());
        Assert.Equal(0m, p1.GetProperty("totals").GetProperty("registered").GetDecimal());
    }

    [Fact]
    public async Task Every_report_exports_as_csv()
    {
        var response = await channel.App.As("leadership").GetAsync("/api/reports/pipeline/stage?format=csv");
        var csv = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("key,label,deals,value,won,won_value,lost", lines[0]);
        Assert.Contains("won,,1,90.00,1,90.00,0", lines);
        // Each view's CSV is that view: a header, then one line per row the JSON gives (and not an empty file).
        foreach (var view in new[] { "partner", "tier", "region", "distributor", "month", "ageing", "expiring" })
        {
            var leader = channel.App.As("leadership");
            using var exported = await leader.GetAsync($"/api/reports/pipeline/{view}?format=csv");
            Assert.Equal(HttpStatusCode.OK, exported.StatusCode);
            Assert.Equal("text/csv", exported.Content.Headers.ContentType?.MediaType);
            var rows = (await exported.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            var json = await leader.GetFromJsonAsync<JsonElement>($"/api/reports/pipeline/{view}");
            var items = json.ValueKind == JsonValueKind.Array ? json : json.GetProperty("items");
            Assert.True(rows.Length == items.GetArrayLength() + 1, $"{view}: {rows.Length - 1} CSV rows for {items.GetArrayLength()} JSON rows");
            Assert.Contains(",", rows[0]);
        }
        var sellThrough = await channel.App.As("leadership").GetStringAsync("/api/reports/sell-through/month?format=csv");
        Assert.Contains("2026-10,,1500.00,7.0000,2,600.00,0.4", sellThrough);
    }

    [Theory]
    [InlineData("/api/reports/pipeline?from=yesterday", "from")]
    [InlineData("/api/reports/pipeline?from=2026-12-01&to=2026-11-01", "to")]
    [InlineData("/api/reports/pipeline?status=pending", "status")]
    [InlineData("/api/reports/pipeline?partnerId=42", "partnerId")]
    [InlineData("/api/reports/pipeline/galaxy", "view")]
    [InlineData("/api/reports/sell-through/month?format=xlsx", "format")]
    public async Task Bad_filters_are_400_naming_them(string path, string field)
    {
        await (await channel.App.As("leadership").GetAsync(path)).AssertBadRequest(field);
    }

    [Fact]
    public async Task Without_a_token_reports_are_401()
    {
        foreach (var path in new[] { "/api/reports/pipeline", "/api/reports/pipeline/stage", "/api/reports/sell-through", "/api/reports/sell-through/sku" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await channel.App.CreateClient().GetAsync(path)).StatusCode);
    }
}
