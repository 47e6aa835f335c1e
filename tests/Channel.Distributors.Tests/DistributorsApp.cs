using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Channel.Contracts.Distributors;
using Channel.Contracts.Partners;
using Channel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Channel.Distributors.Tests;

/// <summary>The Distributors service in process on its own database and virtual host; partners arrive as events.</summary>
public class DistributorsApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public TestDatabase Db { get; private set; } = null!;
    public TestVirtualHost Broker { get; private set; } = null!;
    public EventCollector Events { get; private set; } = null!;
    public const int BatchLines = 3;

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.Create("distributors");
        Broker = await TestVirtualHost.Create("distributors");
        Events = await EventCollector.Start(Broker.Uri, "test-distributor-events",
            [.. EventCollector.Implementing<IDistributorEvent>(), .. EventCollector.Implementing<IResellerAuthorizationEvent>(), typeof(SellThroughReported), typeof(SellThroughReportProcessed)]);
        _ = Server;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Db", Db.ConnectionString);
        builder.UseSetting("RabbitMq:Uri", Broker.Uri);
        builder.UseSetting("RabbitMq:RetryLimit", "2");
        builder.UseSetting("Auth:SigningKey", TestEnvironment.SigningKeyBase64);
        builder.UseSetting("Distributors:Reports:BatchLines", BatchLines.ToString());
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    public HttpClient Manager() => CreateClient().As("channel-manager");
    public HttpClient Leader() => CreateClient().As("leadership");
    public HttpClient Partner(Guid id) => CreateClient().As("partner", id);
    public HttpClient Distributor(Guid id) => CreateClient().As("distributor", distributorId: id);

    int version = 10;

    public async Task<Guid> PartnerWithStatus(string status, Guid? id = null)
    {
        var partnerId = id ?? Guid.NewGuid();
        var v = Interlocked.Increment(ref version);
        await Events.Publish(new PartnerTierChanged
        {
            PartnerId = partnerId,
            Version = v,
            OccurredAt = DateTimeOffset.UtcNow,
            PreviousTier = "silver",
            Reason = "test",
            Actor = "test",
            Partner = States.Partner(status, "gold", $"Reseller {partnerId:N}"[..17], activeSince: 1),
        });
        await WaitUntil($"select count(*) from partners where id = '{partnerId}' and version = {v}");
        return partnerId;
    }

    public Task WaitUntil(string countSql, long expected = 1) => Db.WaitFor(countSql, expected);

    /// <summary>The Compliance service's decision on a subject, as it announces it; waits until the service has handled it.</summary>
    public async Task Screen(string kind, string subjectId, long sequence, string outcome, string reason)
    {
        var consumed = ConsumedMessages.Watch(Services.GetRequiredService<MassTransit.IBus>());
        var messageId = Guid.NewGuid();
        await Events.Publish(States.Decision(kind, subjectId, sequence, outcome, reason), messageId);
        await consumed.WaitFor(messageId, 1);
    }

    public async Task<Guid> Onboard(string? name = null, params string[] regions)
    {
        var response = await Manager().PostAsJsonAsync("/api/distributors", new
        {
            name = name ?? $"Distributor {Guid.NewGuid():N}",
            countries = new[] { "US", "CA" },
            regions = regions.Length == 0 ? ["CA", "OR", "WA", "TX"] : regions,
            contacts = new[] { new { name = "Dana Ortiz", email = "dana@dist.example", phone = "+1 555 0100", role = "channel sales" } },
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public async Task<Guid> AuthorizedReseller(Guid distributor, params string[] regions)
    {
        var partner = await PartnerWithStatus("active");
        (await Manager().PostAsJsonAsync($"/api/distributors/{distributor}/authorizations",
            new { partnerId = partner, regions = regions.Length == 0 ? ["CA"] : regions })).EnsureSuccessStatusCode();
        return partner;
    }

    public static string Csv(params string[] rows) => string.Join("\n", rows) + "\n";

    public const string Header = "report_number,period_start,period_end,invoice_number,invoice_date,transaction_type,reseller_id,end_customer_name,end_customer_domain,end_customer_country,end_customer_region,end_customer_postal_code,vendor_sku,quantity,unit_price,extended_amount,currency,deal_id";

    public static string Row(string report, Guid reseller, int invoice, string customer = "Acme Clinics", string type = "sale",
        string date = "2026-10-15", string sku = "SW-9300-48P", string quantity = "2", string price = "1500.00", string amount = "3000.00",
        string currency = "USD", string period = "2026-10-01,2026-10-31") =>
        $"{report},{period},INV-{invoice},{date},{type},{reseller},{customer},acme-clinics.example,US,CA,94105,{sku},{quantity},{price},{amount},{currency},";

    public Task<HttpResponseMessage> Upload(HttpClient client, Guid distributor, string body, string contentType = "text/csv") =>
        client.PostAsync($"/api/distributors/{distributor}/reports", new StringContent(body, new UTF8Encoding(false), contentType));

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Events.DisposeAsync();
        await base.DisposeAsync();
        await Broker.DisposeAsync();
        await Db.DisposeAsync();
    }
}
