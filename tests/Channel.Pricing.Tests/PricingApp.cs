using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Channel.Contracts.Deals;
using Channel.Contracts.Distributors;
using Channel.Contracts.Partners;
using Channel.Contracts.Pricing;
using Channel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Channel.Pricing.Tests;

/// <summary>
/// The Pricing service in process on its own database and virtual host, with a clock the tests move. Deals, partners,
/// distributors' authorizations and sell-through reach it the only way they can: as events on the bus.
/// </summary>
public class PricingApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 15, 0, 0, TimeSpan.Zero);
    public static DateOnly Today => DateOnly.FromDateTime(Start.UtcDateTime);

    public FakeTimeProvider Clock { get; } = new(Start);
    public TestDatabase Db { get; private set; } = null!;
    public TestVirtualHost Broker { get; private set; } = null!;
    public EventCollector Events { get; private set; } = null!;

    /// <summary>The demo book: list price and distributor cost of each SKU (silver, 44 % off list: SW-9300-48P nets 5,600, 600 of credit a unit).</summary>
    public const string PriceList = """
        sku,product_family,list_price,distributor_cost,currency,effective_from
        SW-9300-48P,switching,10000.00,6200.00,USD,2026-01-01
        SW-9300-24P,switching,6000.00,3720.00,USD,2026-01-01
        AP-6100,wireless,1200.00,744.00,USD,2026-01-01
        FW-500,security,8000.00,4960.00,USD,2026-01-01
        """;

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.Create("pricing");
        Broker = await TestVirtualHost.Create("pricing");
        Events = await EventCollector.Start(Broker.Uri, "test-pricing-events",
            [.. EventCollector.Implementing<IPriceAuthorizationEvent>(), .. EventCollector.Implementing<IClaimEvent>(), typeof(SellThroughBelowBookCost)]);
        _ = Server;
        (await Manager().PostAsync("/api/pricing/price-lists?name=test", Csv(PriceList))).EnsureSuccessStatusCode();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Db", Db.ConnectionString);
        builder.UseSetting("RabbitMq:Uri", Broker.Uri);
        builder.UseSetting("RabbitMq:RetryLimit", "2");
        builder.UseSetting("Auth:SigningKey", TestEnvironment.SigningKeyBase64);
        builder.UseSetting("Pricing:TimerInterval", "00:00:01");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }

    public static StringContent Csv(string text) => new(text.ReplaceLineEndings("\n") + "\n", new UTF8Encoding(false), "text/csv");

    public HttpClient Manager(string subject = "test-channel-manager") => As("channel-manager", subject: subject);
    public HttpClient Leader() => As("leadership");
    public HttpClient Partner(Guid partnerId) => As("partner", partnerId);
    public HttpClient Distributor(Guid distributorId) => As("distributor", distributorId: distributorId);

    public HttpClient As(string role, Guid? partnerId = null, Guid? distributorId = null, string? subject = null)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For(role, partnerId, distributorId, subject));
        return client;
    }

    int version = 10;

    int NextVersion() => Interlocked.Increment(ref version);

    /// <summary>A partner in this status and tier, as Pricing has heard of it.</summary>
    public async Task<Guid> Partner(string tier = PartnerTier.Silver, string status = PartnerStatus.Active, Guid? id = null)
    {
        var partnerId = id ?? Guid.NewGuid();
        var v = NextVersion();
        await Events.Publish(new PartnerTierChanged
        {
            PartnerId = partnerId,
            Version = v,
            OccurredAt = Clock.GetUtcNow(),
            PreviousTier = PartnerTier.Registered,
            Reason = "test",
            Actor = "test",
            Partner = States.Partner(status, tier, $"Reseller {partnerId:N}"[..17]),
        });
        await Db.WaitFor("select count(*) from partners where id = @partnerId and version = @v", args: new { partnerId, v });
        return partnerId;
    }

    /// <summary>A distributor authorized (or no longer) to serve a reseller in these regions.</summary>
    public async Task<Guid> Authorize(Guid distributorId, Guid partnerId, bool active = true, Guid? id = null, params string[] regions)
    {
        var authorizationId = id ?? Guid.NewGuid();
        var v = NextVersion();
        var state = States.Authorization(distributorId, partnerId, active, regions.Length == 0 ? ["CA"] : regions);
        if (active)
            await Events.Publish(new ResellerAuthorized { AuthorizationId = authorizationId, Version = v, OccurredAt = Clock.GetUtcNow(), Actor = "test", Authorization = state });
        else
            await Events.Publish(new ResellerAuthorizationRevoked
            { AuthorizationId = authorizationId, Version = v, OccurredAt = Clock.GetUtcNow(), Actor = "test", Reason = "test", Authorization = state });
        await Db.WaitFor("select count(*) from reseller_authorizations where id = @authorizationId and version = @v", args: new { authorizationId, v });
        return authorizationId;
    }

    public static DealLine Sku(string sku, string family, decimal quantity, decimal amount) =>
        new() { Sku = sku, ProductFamily = family, Quantity = quantity, Amount = amount };

    public static DealLine Family(string family, decimal quantity, decimal amount) => new() { ProductFamily = family, Quantity = quantity, Amount = amount };

    public static DealState Deal(Guid partnerId, string status, IReadOnlyList<DealLine> lines, string? incumbent = null, string approvedBy = "morgan",
        DateTimeOffset? approvedAt = null, int protectionDays = 90, string region = "CA") => new()
        {
            Status = status,
            PartnerId = partnerId,
            CustomerName = "Acme Clinics",
            CustomerCountry = "US",
            CustomerRegion = region,
            CustomerSector = "healthcare",
            ProductFamilies = [.. lines.Select(l => l.ProductFamily).Distinct()],
            Lines = lines,
            TotalValue = lines.Sum(l => l.Amount),
            Currency = "USD",
            ExpectedClose = Today.AddDays(60),
            IncumbentVendor = incumbent,
            SubmittedAt = (approvedAt ?? Start).AddDays(-2),
            ApprovedAt = status == DealStatus.Submitted ? null : approvedAt ?? Start,
            ApprovedBy = status == DealStatus.Submitted ? null : approvedBy,
            ProtectionEndsAt = status == DealStatus.Submitted ? null : (approvedAt ?? Start).AddDays(protectionDays),
        };

    /// <summary>Publishes a deal event at the next version and waits until Pricing has applied it.</summary>
    public async Task<int> Publish<T>(Guid dealId, T deal) where T : class, IDealEvent
    {
        await Events.Publish(deal);
        await Db.WaitFor("select count(*) from deals where id = @dealId and version >= @Version", args: new { dealId, deal.Version });
        return deal.Version;
    }

    public int DealVersion() => NextVersion();

    /// <summary>An approved deal, as the Deals service would announce it; returns its PA (null when it earned none).</summary>
    public async Task<(Guid DealId, JsonElement? Authorization)> ApprovedDeal(Guid partnerId, IReadOnlyList<DealLine> lines, string? incumbent = null,
        string approvedBy = "morgan", DateTimeOffset? approvedAt = null, int protectionDays = 90, string region = "CA")
    {
        var dealId = Guid.NewGuid();
        await Publish(dealId, new DealApproved
        {
            DealId = dealId,
            Version = DealVersion(),
            OccurredAt = Clock.GetUtcNow(),
            Actor = approvedBy,
            Deal = Deal(partnerId, DealStatus.Approved, lines, incumbent, approvedBy, approvedAt, protectionDays, region),
        });
        var found = await Manager().GetFromJsonAsync<JsonElement>($"/api/pricing/authorizations?dealId={dealId}");
        var items = found.GetProperty("items");
        return (dealId, items.GetArrayLength() == 0 ? null : items[0]);
    }

    /// <summary>Sell-through sale lines a distributor reported (accepted by Distributors), as one batch; waits until Pricing has them.</summary>
    public Task SellThrough(Guid distributorId, params (string Invoice, DateOnly Date, Guid Reseller, string Sku, decimal Quantity)[] lines) =>
        SellThroughAt(distributorId, [.. lines.Select(l => (l.Invoice, l.Date, l.Reseller, l.Sku, l.Quantity, 100m))]);

    /// <summary>Sale lines at a unit price of their own; returns the report's id.</summary>
    public async Task<Guid> SellThroughAt(Guid distributorId, params (string Invoice, DateOnly Date, Guid Reseller, string Sku, decimal Quantity, decimal Price)[] lines)
    {
        var reportId = Guid.NewGuid();
        await Events.Publish(new SellThroughReported
        {
            ReportId = reportId,
            DistributorId = distributorId,
            ReportNumber = $"R-{reportId:N}"[..12],
            PeriodStart = Today.AddDays(-90),
            PeriodEnd = Today,
            Batch = 1,
            BatchCount = 1,
            OccurredAt = Clock.GetUtcNow(),
            Lines = [.. lines.Select((l, i) => new SellThroughLine
            {
                LineNumber = i + 1,
                InvoiceNumber = l.Invoice,
                InvoiceDate = l.Date,
                TransactionType = SellThroughTransaction.Sale,
                ResellerId = l.Reseller,
                EndCustomerName = "Acme Clinics",
                EndCustomerCountry = "US",
                VendorSku = l.Sku,
                Quantity = l.Quantity,
                UnitPrice = l.Price,
                ExtendedAmount = l.Price * l.Quantity,
                Currency = "USD",
            })],
        });
        await Db.WaitFor("select count(*) from sell_through_batches where report_id = @reportId", args: new { reportId });
        return reportId;
    }

    public const string ClaimHeader = "claim_number,pa_number,invoice_number,invoice_date,reseller_id,end_customer_name,vendor_sku,quantity,book_cost,authorized_cost,claimed_amount";

    public static string ClaimRow(string claim, string pa, string invoice, DateOnly date, Guid reseller, string sku, decimal quantity, decimal book,
        decimal net, decimal? amount = null) =>
        FormattableString.Invariant($"{claim},{pa},{invoice},{date:yyyy-MM-dd},{reseller},Acme Clinics,{sku},{quantity},{book},{net},{amount ?? (book - net) * quantity}");

    public Task<HttpResponseMessage> Claim(Guid distributorId, params string[] rows) =>
        Distributor(distributorId).PostAsync("/api/pricing/claims", Csv(string.Join("\n", [ClaimHeader, .. rows])));

    /// <summary>Waits until every instance's timers have run a round that began after this call (the clock nudged a second, twice).</summary>
    public async Task TimersCaughtUp()
    {
        var timers = Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Timers.PricingTimers>().Single();
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var before = timers.Rounds;
            Clock.Advance(TimeSpan.FromSeconds(1));
            await Eventually.True(() => Task.FromResult(timers.Rounds > before), "a round of the pricing timers", every: TimeSpan.FromMilliseconds(20));
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Events.DisposeAsync();
        await base.DisposeAsync();
        await Broker.DisposeAsync();
        await Db.DisposeAsync();
    }
}
