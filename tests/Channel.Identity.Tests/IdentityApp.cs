using Channel.Contracts.Identity;
using Channel.Contracts.Partners;
using Channel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Channel.Identity.Tests;

/// <summary>
/// The Identity service in process on its own database and virtual host; the tests play the
/// Partners and Distributors services' events and read the account events (the invitation's link
/// among them) as Notifications would. The portal is a confidential client with PKCE.
/// </summary>
public class IdentityApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string PortalClient = "channel-portal";
    public const string PortalSecret = "portal-secret-for-tests-only";
    public const string RedirectUri = "https://portal.test/signin-callback";
    public const string IntegrationClient = "acme-erp";
    public const string IntegrationSecret = "erp-secret-for-tests-only";

    public TestDatabase Db { get; private set; } = null!;
    public TestVirtualHost Broker { get; private set; } = null!;
    public EventCollector Bus { get; private set; } = null!;

    protected virtual bool StaffNeedTwoFactor => false;

    /// <summary>Settings a fixture adds to the service's.</summary>
    protected virtual IEnumerable<(string Key, string Value)> More => [];

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.Create("identity");
        Broker = await TestVirtualHost.Create("identity");
        Bus = await EventCollector.Start(Broker.Uri, "test-identity-events", EventCollector.Implementing<IAccountEvent>());
        await BeforeStart();
        _ = Server;
    }

    protected virtual Task AfterStop() => Task.CompletedTask;

    /// <summary>What a fixture starts before the service (that the service's settings name).</summary>
    protected virtual Task BeforeStart() => Task.CompletedTask;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Db", Db.ConnectionString);
        builder.UseSetting("RabbitMq:Uri", Broker.Uri);
        builder.UseSetting("Auth:SigningKey", TestEnvironment.SigningKeyBase64);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Identity:PublicUrl", "http://localhost");
        builder.UseSetting("Identity:RequireHttps", "false");
        builder.UseSetting("Identity:MaxFailedSignIns", "3");
        builder.UseSetting("Identity:SignInsPerMinute", "1000");
        builder.UseSetting("Identity:RequireTwoFactorForStaff", StaffNeedTwoFactor ? "true" : "false");
        builder.UseSetting("Identity:Clients:0:ClientId", PortalClient);
        builder.UseSetting("Identity:Clients:0:ClientSecret", PortalSecret);
        builder.UseSetting("Identity:Clients:0:DisplayName", "Channel portal");
        builder.UseSetting("Identity:Clients:0:RedirectUris:0", RedirectUri);
        builder.UseSetting("Identity:Clients:0:PostLogoutRedirectUris:0", "https://portal.test/");
        builder.UseSetting("Identity:Clients:1:ClientId", IntegrationClient);
        builder.UseSetting("Identity:Clients:1:ClientSecret", IntegrationSecret);
        builder.UseSetting("Identity:Clients:1:DisplayName", "Acme ERP");
        builder.UseSetting("Identity:Clients:1:GrantTypes:0", "client_credentials");
        builder.UseSetting("Identity:Clients:1:Role", "leadership");
        foreach (var (key, value) in More) builder.UseSetting(key, value);
    }

    /// <summary>A client that keeps cookies (one browser) and does not follow redirects (the test reads each).</summary>
    public HttpClient Browser() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>An active partner with one user, as the Partners service announces them; the account's invitation comes back.</summary>
    public async Task<(Guid PartnerId, Guid UserId, AccountInvited Invitation)> PartnerUser(string email, string name = "Pat Partner")
    {
        var partnerId = Guid.NewGuid();
        var userId = Guid.NewGuid();
        await Bus.Publish(new PartnerUserAdded
        {
            PartnerId = partnerId,
            Version = 2,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "manager",
            User = new PartnerUser { UserId = userId, Name = name, Email = email, Role = "admin" },
            Partner = PartnerState(PartnerStatus.Active),
        });
        var invitation = await Bus.WaitFor<AccountInvited>(i => i.AccountId == userId);
        return (partnerId, userId, invitation);
    }

    public static PartnerState PartnerState(string status) => new()
    {
        LegalName = "Northwind Networks",
        Country = "US",
        Region = "west",
        WebsiteDomain = "northwind.example",
        PartnerType = "reseller",
        Status = status,
        Tier = "gold",
        AppliedAt = DateTimeOffset.UtcNow.AddDays(-3),
        ActiveSinceVersion = 2,
    };

    /// <summary>The portal's side of a sign-in: the code flow with PKCE as this fixture's portal client.</summary>
    public static CodeFlow Flow() => new(PortalClient, PortalSecret, RedirectUri);

    /// <summary>The link's path and query, as the browser would open it here.</summary>
    public static string Local(string link) => new Uri(link).PathAndQuery;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await AfterStop();
        await Bus.DisposeAsync();
        await base.DisposeAsync();
        await Broker.DisposeAsync();
        await Db.DisposeAsync();
    }
}

/// <summary>The provider with keys that rotate every 20 seconds, published 8 seconds ahead, checked twice a second.</summary>
public sealed class IdentityWithFastRotation : IdentityApp
{
    protected override IEnumerable<(string Key, string Value)> More =>
    [
        ("Identity:RotateKeysEvery", "00:00:30"),
        ("Identity:PublishKeysAhead", "00:00:08"),
        ("Identity:CheckKeysEvery", "00:00:00.500"),
    ];
}
