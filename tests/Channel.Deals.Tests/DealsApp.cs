using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Deals;
using Channel.Contracts.Distributors;
using Channel.Contracts.Partners;
using Channel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Channel.Deals.Tests;

/// <summary>
/// The Deals service in process on its own database and virtual host, with a clock the tests move.
/// Partner and distributor facts reach it the only way they can: as events on the bus.
/// </summary>
public class DealsApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>A Wednesday afternoon.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 15, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = new(Start);
    public TestDatabase Db { get; private set; } = null!;
    public TestVirtualHost Broker { get; private set; } = null!;
    public EventCollector Events { get; private set; } = null!;

    /// <summary>Every event the Deals service publishes.</summary>
    public static readonly Type[] DealEvents = [.. EventCollector.Implementing<IDealEvent>(), typeof(SellThroughLinked)];

    public virtual async Task InitializeAsync()
    {
        Db = await TestDatabase.Create("deals");
        Broker = await TestVirtualHost.Create("deals");
        Events = await EventCollector.Start(Broker.Uri, "test-deal-events", DealEvents);
        _ = Server;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Db", Db.ConnectionString);
        builder.UseSetting("RabbitMq:Uri", Broker.Uri);
        builder.UseSetting("RabbitMq:RetryLimit", "2");
        builder.UseSetting("Auth:SigningKey", TestEnvironment.SigningKeyBase64);
        builder.UseSetting("Deals:TimerInterval", "00:00:01");
        builder.UseSetting("Outbox:MaxAttempts", "2");
        builder.UseSetting("Outbox:MaxRetryDelay", "00:00:00.200");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>Moves the service's clock on; its timers run at once on the new time.</summary>
    public Task ClockForward(TimeSpan by)
    {
        Clock.Advance(by);
        return Task.CompletedTask;
    }

    /// <summary>The timers of every instance this fixture runs.</summary>
    protected virtual IEnumerable<IServiceProvider> Instances => [Services];

    /// <summary>
    /// Waits until every instance's timers have run a whole round that began after this call: the
    /// clock is nudged one timer interval (a second) and each instance's round counter must move
    /// twice, so the round a nudge started is over, whatever was in flight before.
    /// </summary>
    public async Task TimersCaughtUp()
    {
        var timers = Instances.Select(s => s.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Channel.Deals.Timers.DealTimers>().Single()).ToList();
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var before = timers.Select(t => t.Rounds).ToList();
            Clock.Advance(TimeSpan.FromSeconds(1));
            await Eventually.True(() => Task.FromResult(timers.Select((t, i) => t.Rounds > before[i]).All(moved => moved)), "a round of every instance's deal timers",
                every: TimeSpan.FromMilliseconds(20));
        }
    }

    public HttpClient Manager() => CreateClient().As("channel-manager");
    public HttpClient Leader() => CreateClient().As("leadership");
    public HttpClient Partner(Guid partnerId) => CreateClient().As("partner", partnerId);
    public HttpClient Distributor(Guid distributorId) => CreateClient().As("distributor", distributorId: distributorId);

    int partnerVersion = 10;

    /// <summary>Publishes the partner's state as the Partners service would and waits until the copy has it.</summary>
    public async Task<Guid> PartnerWithStatus(string status, Guid? id = null, string tier = "gold", string region = "CA")
    {
        var partnerId = id ?? Guid.NewGuid();
        var version = Interlocked.Increment(ref partnerVersion);
        await Events.Publish(new PartnerTierChanged
        {
            PartnerId = partnerId,
            Version = version,
            OccurredAt = Clock.GetUtcNow(),
            PreviousTier = "silver",
            Reason = "test",
            Actor = "test",
            Partner = States.Partner(status, tier, $"Partner {partnerId:N}"[..20], region),
        });
        await WaitUntil($"select count(*) from partners where id = '{partnerId}' and version = {version}");
        return partnerId;
    }

    public Task<Guid> ActivePartner() => PartnerWithStatus("active");

    public async Task Authorize(Guid distributorId, Guid partnerId, params string[] regions)
    {
        await Events.Publish(new ResellerAuthorized
        {
            AuthorizationId = AuthorizationId(distributorId, partnerId),
            Version = Interlocked.Increment(ref partnerVersion),
            OccurredAt = Clock.GetUtcNow(),
            Actor = "test",
            Authorization = States.Authorization(distributorId, partnerId, true, regions),
        });
        await WaitUntil($"select count(*) from reseller_authorizations where distributor_id = '{distributorId}' and partner_id = '{partnerId}' and active");
    }

    public static Guid AuthorizationId(Guid distributorId, Guid partnerId)
    {
        var bytes = distributorId.ToByteArray();
        var other = partnerId.ToByteArray();
        for (var i = 0; i < 16; i++) bytes[i] ^= other[i];
        return new Guid(bytes);
    }

    public Task WaitUntil(string countSql, long expected = 1, TimeSpan? timeout = null, object? args = null) => Db.WaitFor(countSql, expected, timeout, args);

    /// <summary>A registration body for an end customer; products are (family or SKU, amount).</summary>
    public object Registration(string customer, string? domain = null, string country = "US", string region = "CA",
        string? sector = "commercial", Guid? partnerId = null, string? type = null, string? funding = null, bool attested = false,
        params (string Product, decimal Amount)[] products)
    {
        if (type is not null) sector = null;
        if (products.Length == 0) products = [("switching", 50_000m)];
        return new
        {
            partnerId,
            customer = new { legalName = customer, domain, country, region, sector, type },
            fundingSource = funding,
            attestation = attested ? new { version = "2026-1", accepted = true } : null,
            products = products.Select(p => p.Product.Contains('-')
                ? (object)new { sku = p.Product, quantity = 10, amount = p.Amount }
                : new { productFamily = p.Product, quantity = 10, amount = p.Amount }).ToArray(),
            totalValue = products.Sum(p => p.Amount),
            currency = "USD",
            expectedClose = DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime).AddDays(60).ToString("yyyy-MM-dd"),
            notes = "Core refresh across three campuses.",
        };
    }

    public async Task<JsonElement> Register(HttpClient client, object registration)
    {
        var response = await client.PostAsJsonAsync("/api/deals", registration);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"registration failed: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public async Task<Guid> RegisterFor(Guid partnerId, string? customer = null, params (string, decimal)[] products) =>
        (await Register(Partner(partnerId), Registration(customer ?? $"Customer {Guid.NewGuid():N}", products: products)))
            .GetProperty("id").GetGuid();

    public async Task<Guid> ApprovedDealFor(Guid partnerId, string? customer = null)
    {
        var id = await RegisterFor(partnerId, customer);
        await Cleared(id);
        (await Manager().PostAsync($"/api/deals/{id}/approve", null)).EnsureSuccessStatusCode();
        return id;
    }

    ConsumedMessages? consumed;

    /// <summary>
    /// Compliance's decision on a deal, as the Compliance service announces it; waits until Deals has applied it, or
    /// (<paramref name="applied"/> false: a decision Deals should turn away) until Deals has handled it.
    /// </summary>
    public async Task Screen(Guid dealId, long sequence, string outcome, string reason, string? citation = null, bool applied = true,
        int? subjectVersion = null)
    {
        consumed ??= ConsumedMessages.Watch(Services.GetRequiredService<MassTransit.IBus>());
        var messageId = Guid.NewGuid();
        // As Compliance does: a decision on the latest version it knows (the one that asked, or a later one).
        var version = subjectVersion ?? await Db.Scalar<int>("select version from deals where id = @dealId", new { dealId });
        await Events.Publish(States.Decision("deal", dealId.ToString(), sequence, outcome, reason, version, citation, Clock.GetUtcNow()), messageId);
        if (!applied) await consumed.WaitFor(messageId, 1);
        else await WaitUntil("select count(*) from deals where id = @id and screening_sequence = @sequence", args: new { id = dealId, sequence });
    }

    /// <summary>Compliance found nothing: the registration may be decided (its first screening, or the one after a resubmission).</summary>
    public Task Cleared(Guid dealId, long sequence = 1) => Screen(dealId, sequence, "clear", "No list entry or rule matched.");

    public async Task<(string Status, string Screening)> StatusAndScreening(Guid id)
    {
        var deal = (await Get(id)).GetProperty("deal");
        return (deal.GetProperty("status").GetString()!, deal.GetProperty("screening").GetString()!);
    }

    public async Task<JsonElement> Get(Guid id)
    {
        var response = await Manager().GetAsync($"/api/deals/{id}");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<string> StatusOf(Guid id) => (await Get(id)).GetProperty("deal").GetProperty("status").GetString()!;

    protected virtual async Task Teardown()
    {
        await Events.DisposeAsync();
        await base.DisposeAsync();
        await Broker.DisposeAsync();
        await Db.DisposeAsync();
    }

    Task IAsyncLifetime.DisposeAsync() => Teardown();
}
