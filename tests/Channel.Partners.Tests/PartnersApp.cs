using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Partners;
using Channel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Channel.Partners.Tests;

/// <summary>
/// The Partners service in process, on a database and a RabbitMQ virtual host of its own, with a
/// test consumer that records every partner event the service publishes.
/// </summary>
public class PartnersApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public TestDatabase Db { get; private set; } = null!;
    public TestVirtualHost Broker { get; private set; } = null!;
    public EventCollector Events { get; private set; } = null!;
    protected virtual int ApplicationsPerMinute => 100_000;

    public static readonly Type[] PartnerEvents = EventCollector.Implementing<IPartnerEvent>();

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.Create("partners");
        Broker = await TestVirtualHost.Create("partners");
        Events = await EventCollector.Start(Broker.Uri, "test-partner-events", PartnerEvents);
        _ = Server; // start the service (runs its migrations)
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Db", Db.ConnectionString);
        builder.UseSetting("RabbitMq:Uri", Broker.Uri);
        builder.UseSetting("RabbitMq:RetryLimit", "2");
        builder.UseSetting("Auth:SigningKey", TestEnvironment.SigningKeyBase64);
        builder.UseSetting("Partners:ApplicationsPerMinute", ApplicationsPerMinute.ToString());
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    public HttpClient Anonymous() => CreateClient();
    public HttpClient Manager() => CreateClient().As("channel-manager");
    public HttpClient Leader() => CreateClient().As("leadership");
    public HttpClient PartnerUser(Guid partnerId) => CreateClient().As("partner", partnerId);
    public HttpClient DistributorUser(Guid distributorId) => CreateClient().As("distributor", distributorId: distributorId);

    static int counter;

    /// <summary>A valid application for a fresh, unique organisation.</summary>
    public static object Application(string? name = null, string? domain = null, string? taxId = null, string country = "US",
        string region = "CA", string type = "var")
    {
        var n = Interlocked.Increment(ref counter);
        var unique = Guid.NewGuid().ToString("N")[..8];
        domain ??= $"reseller-{unique}.example";
        return new
        {
            legalName = name ?? $"Reseller {unique} {n} Inc.",
            country,
            region,
            websiteDomain = domain,
            taxId,
            partnerType = type,
            primaryContact = new { name = "Jamie Rivera", email = $"jamie@{domain}" },
            agreementVersion = "2026-01",
        };
    }

    public async Task<Guid> Apply(object? application = null)
    {
        var response = await Anonymous().PostAsJsonAsync("/api/partners/applications", application ?? Application());
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public async Task<Guid> ActivePartner(string tier = "silver")
    {
        var id = await Apply();
        var response = await Manager().PostAsJsonAsync($"/api/partners/{id}/approve", new { tier });
        response.EnsureSuccessStatusCode();
        return id;
    }

    int authorizationVersion;

    /// <summary>Tells the service, as the Distributors service would, that a distributor serves (or served) a partner.</summary>
    public async Task Authorize(Guid distributorId, Guid partnerId, bool active)
    {
        var id = Guid.NewGuid();
        await Events.Publish(new Channel.Contracts.Distributors.ResellerAuthorized
        {
            AuthorizationId = id,
            Version = Interlocked.Increment(ref authorizationVersion),
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "test",
            Authorization = States.Authorization(distributorId, partnerId, active, "CA"),
        });
        await Db.WaitFor($"select count(*) from distributor_partners where authorization_id = '{id}'");
    }

    /// <summary>
    /// The Compliance service's decision on a partner, as it announces it (its sequence per partner); waits until Partners
    /// has applied it, or (<paramref name="applied"/> false: a decision Partners turns away) until Partners has handled it.
    /// </summary>
    public async Task Screen(Guid partnerId, long sequence, string outcome, string reason, bool applied = true)
    {
        consumed ??= ConsumedMessages.Watch(Services.GetRequiredService<MassTransit.IBus>());
        var messageId = Guid.NewGuid();
        await Events.Publish(States.Decision("partner", partnerId.ToString(), sequence, outcome, reason), messageId);
        if (applied) await Db.WaitFor("select count(*) from partners where id = @id and screening_sequence = @sequence", args: new { id = partnerId, sequence });
        else await consumed.WaitFor(messageId, 1);
    }

    ConsumedMessages? consumed;

    /// <summary>An application on hold for a channel manager: its name is a live partner's once normalised.</summary>
    public async Task<Guid> LookAlikeOnHold(string? domain = null)
    {
        var unique = Guid.NewGuid().ToString("N")[..6];
        await Apply(Application(name: $"Summit {unique} Networks, Inc."));
        var id = await Apply(Application(name: $"SUMMIT {unique.ToUpperInvariant()} NETWORKS LLC", domain: domain));
        Assert.Equal("on_hold", (await Get(id)).GetProperty("status").GetString());
        return id;
    }

    public async Task<JsonElement> Get(Guid id)
    {
        var response = await Manager().GetAsync($"/api/partners/{id}");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Events.DisposeAsync();
        await base.DisposeAsync();
        await Broker.DisposeAsync();
        await Db.DisposeAsync();
    }
}

/// <summary>The same service with a low application rate limit, for the test of that limit.</summary>
public sealed class RateLimitedPartnersApp : PartnersApp
{
    protected override int ApplicationsPerMinute => 3;
}
