using System.Net.Http.Headers;
using System.Net.Http.Json;
using Channel.Contracts.Deals;
using Channel.Contracts.Partners;
using Channel.Testing;

namespace Channel.EndToEnd.Tests;

/// <summary>
/// The test classes that need the system as it runs, and nothing special of it, share one (each starts every service and
/// migrates every database: the suite's most expensive step). Each test makes its own partners, deals and addresses.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedSystem : ICollectionFixture<RunningSystem>
{
    public const string Name = "running system";
}

/// <summary>
/// The system as <c>./channel up</c> runs it: each service its own process, the gateway in front,
/// on a database per service and a RabbitMQ virtual host of their own.
/// </summary>
public class RunningSystem : IAsyncLifetime
{
    public TestVirtualHost Broker { get; private set; } = null!;
    public TestDatabase PartnersDb { get; private set; } = null!;
    public EventCollector Events { get; private set; } = null!;
    public TestDatabase DealsDb { get; private set; } = null!;
    public TestDatabase DistributorsDb { get; private set; } = null!;
    public TestDatabase ReportingDb { get; private set; } = null!;
    public ServiceProcess Reporting { get; private set; } = null!;
    public TestDatabase NotificationsDb { get; private set; } = null!;
    public ServiceProcess Notifications { get; private set; } = null!;
    public TestDatabase PricingDb { get; private set; } = null!;
    public ServiceProcess Pricing { get; private set; } = null!;
    public TestDatabase ComplianceDb { get; private set; } = null!;
    public ServiceProcess Compliance { get; private set; } = null!;
    public TestDatabase IdentityDb { get; private set; } = null!;
    public ServiceProcess Identity { get; private set; } = null!;
    /// <summary>The portal as a client of the Identity service (the code flow with PKCE), for the sign-in tests.</summary>
    public const string PortalClient = "e2e-portal";
    public const string PortalSecret = "e2e-portal-secret";
    public const string PortalRedirect = "https://portal.e2e.test/signin-callback";
    /// <summary>The gateway's own registration: the dashboard's backend-for-frontend.</summary>
    public const string DashboardSecret = "e2e-dashboard-secret";
    /// <summary>The demo accounts' password (set by <see cref="MakeDemoAccounts"/>).</summary>
    public const string DemoPassword = "harbor lantern orchard 42";
    public ServiceProcess Distributors { get; private set; } = null!;
    public ServiceProcess Partners { get; private set; } = null!;
    public ServiceProcess Deals { get; private set; } = null!;
    public ServiceProcess Gateway { get; private set; } = null!;
    public const int ApplicationsPerMinute = 20;

    /// <summary>Settings a fixture gives one service on top of its database and broker (by service name).</summary>
    protected virtual IReadOnlyDictionary<string, string> SettingsFor(string service) => new Dictionary<string, string>();

    Dictionary<string, string> With(string service, Dictionary<string, string> settings)
    {
        // Tokens from the Identity service (discovery under the gateway's address, read at the service directly),
        // and the tests' own local ones.
        if (GatewayPort != 0)
        {
            settings["Auth__Authority"] = $"http://127.0.0.1:{GatewayPort}/identity/";
            settings["Auth__RequireHttpsMetadata"] = "false";
            settings["Auth__Backchannel"] = $"http://127.0.0.1:{IdentityPort}/identity/";
        }
        // The tests stand where an ingress would: they say which client each request comes from
        // (X-Forwarded-For), and the gateway is configured to believe them; the services believe the gateway.
        settings["ForwardedHeaders__KnownProxies__0"] = "127.0.0.1";
        foreach (var (key, value) in SettingsFor(service)) settings[key] = value;
        return settings;
    }

    /// <summary>Ports chosen before anything starts: each service is told where the provider will be.</summary>
    public int GatewayPort { get; private set; }
    public int IdentityPort { get; private set; }

    public virtual async Task InitializeAsync()
    {
        (GatewayPort, IdentityPort) = (ServiceProcess.FreePort(), ServiceProcess.FreePort());
        Broker = await TestVirtualHost.Create("e2e");
        IdentityDb = await TestDatabase.Create("e2e_identity");
        PartnersDb = await TestDatabase.Create("e2e_partners");
        DealsDb = await TestDatabase.Create("e2e_deals");
        DistributorsDb = await TestDatabase.Create("e2e_distributors");
        ReportingDb = await TestDatabase.Create("e2e_reporting");
        NotificationsDb = await TestDatabase.Create("e2e_notifications");
        PricingDb = await TestDatabase.Create("e2e_pricing");
        ComplianceDb = await TestDatabase.Create("e2e_compliance");
        Events = await EventCollector.Start(Broker.Uri, "test-e2e-events",
            typeof(PartnerApplied), typeof(PartnerApproved), typeof(PartnerPlacedOnHold),
            typeof(DealRegistered), typeof(DealApproved), typeof(DealWon), typeof(DealScreened), typeof(Channel.Contracts.Compliance.ScreeningDecided));
        var startingPartners = ServiceProcess.Start("Partners", With("Partners", new Dictionary<string, string>
        {
            ["ConnectionStrings__Db"] = PartnersDb.ConnectionString,
            ["RabbitMq__Uri"] = Broker.Uri,
            ["Partners__ApplicationsPerMinute"] = "100000",
        }));
        var startingDistributors = ServiceProcess.Start("Distributors", With("Distributors", new Dictionary<string, string>
        {
            ["ConnectionStrings__Db"] = DistributorsDb.ConnectionString,
            ["RabbitMq__Uri"] = Broker.Uri,
        }));
        var startingDeals = ServiceProcess.Start("Deals", With("Deals", new Dictionary<string, string>
        {
            ["ConnectionStrings__Db"] = DealsDb.ConnectionString,
            ["RabbitMq__Uri"] = Broker.Uri,
        }));
        var startingReporting = ServiceProcess.Start("Reporting", With("Reporting", new Dictionary<string, string>
        {
            ["ConnectionStrings__Db"] = ReportingDb.ConnectionString,
            ["RabbitMq__Uri"] = Broker.Uri,
        }));
        var startingNotifications = ServiceProcess.Start("Notifications", With("Notifications", new Dictionary<string, string>
        {
            ["ConnectionStrings__Db"] = NotificationsDb.ConnectionString,
            ["RabbitMq__Uri"] = Broker.Uri,
            ["Smtp__Host"] = TestEnvironment.SmtpHost,
            ["Smtp__Port"] = TestEnvironment.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // As in development: webhooks may go to this machine.
            ["Webhooks__RequireHttps"] = "false",
            ["Webhooks__AllowLoopback"] = "true",
        }));
        var startingPricing = ServiceProcess.Start("Pricing", With("Pricing", new Dictionary<string, string>
        {
            ["ConnectionStrings__Db"] = PricingDb.ConnectionString,
            ["RabbitMq__Uri"] = Broker.Uri,
        }));
        var startingCompliance = ServiceProcess.Start("Compliance", With("Compliance", new Dictionary<string, string>
        {
            ["ConnectionStrings__Db"] = ComplianceDb.ConnectionString,
            ["RabbitMq__Uri"] = Broker.Uri,
        }));
        var startingIdentity = ServiceProcess.Start("Identity", With("Identity", new Dictionary<string, string>
        {
            ["ConnectionStrings__Db"] = IdentityDb.ConnectionString,
            ["RabbitMq__Uri"] = Broker.Uri,
            ["Identity__PublicUrl"] = $"http://127.0.0.1:{GatewayPort}",
            ["Identity__RequireHttps"] = "false",
            ["Identity__Clients__0__ClientId"] = PortalClient,
            ["Identity__Clients__0__ClientSecret"] = PortalSecret,
            ["Identity__Clients__0__DisplayName"] = "Portal",
            ["Identity__Clients__0__RedirectUris__0"] = PortalRedirect,
            ["Identity__Clients__1__ClientId"] = "channel-dashboard",
            ["Identity__Clients__1__ClientSecret"] = DashboardSecret,
            ["Identity__Clients__1__DisplayName"] = "Channel dashboard",
            ["Identity__Clients__1__RedirectUris__0"] = $"http://127.0.0.1:{GatewayPort}/session/callback",
            ["Identity__Clients__1__PostLogoutRedirectUris__0"] = $"http://127.0.0.1:{GatewayPort}/session/signed-out",
            // Demo accounts on the sign-in page (to this machine only), as ./channel up --demo has them.
            ["Identity__DevelopmentTokens"] = "true",
        }), IdentityPort);
        // The services start side by side (none needs another to start; the gateway needs their addresses): one after
        // another, a system took close to 3 minutes to start on a machine the same-results run was loading.
        var started = await AllStarted(startingPartners, startingDistributors, startingDeals, startingReporting, startingNotifications,
            startingPricing, startingCompliance, startingIdentity);
        (Partners, Distributors, Deals, Reporting, Notifications, Pricing, Compliance, Identity) =
            (started[0], started[1], started[2], started[3], started[4], started[5], started[6], started[7]);
        Gateway = await ServiceProcess.Start("Gateway", With("Gateway", new Dictionary<string, string>
        {
            ["ReverseProxy__Clusters__identity__Destinations__main__Address"] = Identity.Address,
            ["ReverseProxy__Clusters__notifications__Destinations__main__Address"] = Notifications.Address,
            ["Gateway__Session__ClientSecret"] = DashboardSecret,
            ["ReverseProxy__Clusters__reports__Destinations__main__Address"] = Reporting.Address,
            ["ReverseProxy__Clusters__pricing__Destinations__main__Address"] = Pricing.Address,
            ["ReverseProxy__Clusters__compliance__Destinations__main__Address"] = Compliance.Address,
            ["ReverseProxy__Clusters__partners__Destinations__main__Address"] = Partners.Address,
            ["ReverseProxy__Clusters__deals__Destinations__main__Address"] = Deals.Address,
            ["ReverseProxy__Clusters__distributors__Destinations__main__Address"] = Distributors.Address,
            ["Gateway__ApplicationsPerMinute"] = ApplicationsPerMinute.ToString(),
        }), GatewayPort);
    }

    /// <summary>Every process once all have started; if one does not, those that did are stopped (no process outlives the run).</summary>
    static async Task<ServiceProcess[]> AllStarted(params Task<ServiceProcess>[] starting)
    {
        try { return await Task.WhenAll(starting); }
        catch
        {
            foreach (var start in starting.Where(t => t.IsCompletedSuccessfully)) await start.Result.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The accounts the Identity service's sign-in page offers on this machine, with <see cref="DemoPassword"/>:
    /// staff ones are made; a partner's or distributor's user must have reached the Identity service first (retried until it has).
    /// </summary>
    public async Task MakeDemoAccounts(params (string Email, string? Name, string? Role, string Label)[] accounts)
    {
        using var identity = new HttpClient { BaseAddress = new Uri(Identity.Address) };
        // 404 while a partner's or distributor's user has not reached the Identity service.
        using var response = await Eventually.Value(() => identity.PostAsJsonAsync("/identity/dev/demo-accounts", new
        {
            password = DemoPassword,
            accounts = accounts.Select(a => new { email = a.Email, name = a.Name, role = a.Role, label = a.Label, description = a.Role ?? "demo" }),
        }), r => r.StatusCode != System.Net.HttpStatusCode.NotFound, "every demo account's person known to the Identity service");
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"demo accounts: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>
    /// Waits until the Compliance service's screening of a registration has reached the Deals service (a deal may be decided only
    /// then), and gives its outcome.
    /// </summary>
    public async Task<string> Screened(Guid dealId)
    {
        var manager = Client("channel-manager");
        return await Eventually.Value(async () => (await manager.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/deals/{dealId}"))
            .GetProperty("deal").GetProperty("screening").GetString()!, s => s != "pending", $"the screening of deal {dealId}");
    }

    public HttpClient Client(string? role = null, Guid? partnerId = null, string? clientAddress = null, Guid? distributorId = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(Gateway.Address), Timeout = TimeSpan.FromSeconds(60) };
        if (role is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For(role, partnerId, distributorId));
        // Each test client looks like its own address to the edge rate limiter (the gateway is told to trust the test as its proxy).
        client.DefaultRequestHeaders.Add("X-Forwarded-For", clientAddress ?? $"203.0.113.{Random.Shared.Next(1, 254)}");
        return client;
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Notifications.DisposeAsync();
        await Identity.DisposeAsync();
        await Reporting.DisposeAsync();
        await Pricing.DisposeAsync();
        await Compliance.DisposeAsync();
        await Deals.DisposeAsync();
        await Distributors.DisposeAsync();
        await Partners.DisposeAsync();
        await Events.DisposeAsync();
        await Broker.DisposeAsync();
        await PartnersDb.DisposeAsync();
        await DealsDb.DisposeAsync();
        await DistributorsDb.DisposeAsync();
        await ReportingDb.DisposeAsync();
        await NotificationsDb.DisposeAsync();
        await PricingDb.DisposeAsync();
        await ComplianceDb.DisposeAsync();
        await IdentityDb.DisposeAsync();
    }
}
