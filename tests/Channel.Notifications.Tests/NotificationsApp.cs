using Channel.Contracts.Deals;
using Channel.Contracts.Partners;
using Channel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Channel.Notifications.Tests;

/// <summary>
/// The Notifications service in process on its own database and virtual host, mailing through the
/// smtp4dev that <c>./channel test</c> starts; the tests play the other services' events.
/// </summary>
public class NotificationsApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public TestDatabase Db { get; private set; } = null!;
    public TestVirtualHost Broker { get; private set; } = null!;
    public EventCollector Bus { get; private set; } = null!;
    public Smtp4dev Mailbox { get; } = new();

    protected virtual int SmtpPort => TestEnvironment.SmtpPort;

    /// <summary>Whether webhooks may go to this machine over plain http, as in development (the default in these tests).</summary>
    protected virtual bool Development => true;

    /// <summary>The vendor's admin, who hears about the vendor's own webhooks.</summary>
    public const string AdminEmail = "ops@acme.example";

    /// <summary>The vendor's other staff, from configuration: two channel managers (one who takes the daily digest) and leadership.</summary>
    public static readonly (string Subject, string Name, string Email, string Role)[] Staff =
    [
        ("manager-mia", "Mia Manager", "mia@acme.example", "channel-manager"),
        ("manager-max", "Max Manager", "max@acme.example", "channel-manager"),
        ("leader-lee", "Lee Leader", "lee@acme.example", "leadership"),
    ];

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.Create("notifications");
        Broker = await TestVirtualHost.Create("notifications");
        Bus = await EventCollector.Start(Broker.Uri, "test-notifications-unused", typeof(DealWon));
        _ = Server;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Db", Db.ConnectionString);
        builder.UseSetting("RabbitMq:Uri", Broker.Uri);
        builder.UseSetting("Auth:SigningKey", TestEnvironment.SigningKeyBase64);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Smtp:Host", TestEnvironment.SmtpHost);
        builder.UseSetting("Smtp:Port", SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Notifications:VendorName", "Acme Networks");
        builder.UseSetting("Notifications:DashboardUrl", "https://channel.acme.example");
        builder.UseSetting("Notifications:Staff:0:Subject", "admin-olga");
        builder.UseSetting("Notifications:Staff:0:Name", "Olga Ops");
        builder.UseSetting("Notifications:Staff:0:Email", AdminEmail);
        builder.UseSetting("Notifications:Staff:0:Role", "admin");
        foreach (var (i, (subject, name, email, role)) in Staff.Index())
        {
            builder.UseSetting($"Notifications:Staff:{i + 1}:Subject", subject);
            builder.UseSetting($"Notifications:Staff:{i + 1}:Name", name);
            builder.UseSetting($"Notifications:Staff:{i + 1}:Email", email);
            builder.UseSetting($"Notifications:Staff:{i + 1}:Role", role);
        }
        if (Development)
        {
            builder.UseSetting("Webhooks:RequireHttps", "false");
            builder.UseSetting("Webhooks:AllowLoopback", "true");
        }
        // Retries fast enough for a test: 0.2 s doubling to 1 s; disabled after five failures in a row.
        builder.UseSetting("Webhooks:FirstRetryDelay", "00:00:00.200");
        builder.UseSetting("Webhooks:MaxRetryDelay", "00:00:01");
        builder.UseSetting("Webhooks:DisableAfterFailures", "5");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        Mailbox.Dispose();
        await Bus.DisposeAsync();
        await base.DisposeAsync();
        await Broker.DisposeAsync();
        await Db.DisposeAsync();
    }
}

/// <summary>The same service pointed at a port where no SMTP server listens.</summary>
public sealed class NotificationsWithoutSmtp : NotificationsApp
{
    protected override int SmtpPort => 2599;
}

/// <summary>
/// The service on a clock the test moves (it starts at 06:00 UTC on 26 November 2026, an hour before
/// the digest hour); Max has chosen the daily digest of new registrations.
/// </summary>
public sealed class NotificationsAtDawn : NotificationsApp
{
    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Notifications:DigestHourUtc", "7");
        builder.UseSetting("Notifications:DigestCheckEvery", "00:00:10");
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>The service as in production: webhooks only to https URLs on public addresses.</summary>
public sealed class NotificationsAsInProduction : NotificationsApp
{
    protected override bool Development => false;
}

/// <summary>Partner and deal events as the Partners and Deals services publish them.</summary>
public static class Events
{
    public static PartnerState Partner(string status = PartnerStatus.Active) => new()
    {
        LegalName = "Northwind Networks LLC",
        Country = "US",
        Region = "WA",
        WebsiteDomain = "northwind.example",
        PartnerType = "var",
        Status = status,
        Tier = "gold",
        AppliedAt = DateTimeOffset.UtcNow.AddDays(-30),
    };

    public static PartnerUserAdded UserAdded(Guid partner, int version, string email, string name = "Pat Partner") => new()
    {
        PartnerId = partner,
        Version = version,
        OccurredAt = DateTimeOffset.UtcNow,
        Actor = "manager",
        User = new PartnerUser { UserId = Guid.NewGuid(), Name = name, Email = email, Role = "sales" },
        Partner = Partner(),
    };

    public static DealState Deal(Guid partner, string status, string customer = "Contoso Regional Hospital") => new()
    {
        Status = status,
        PartnerId = partner,
        CustomerName = customer,
        CustomerCountry = "US",
        CustomerRegion = "WA",
        CustomerSector = "healthcare",
        ProductFamilies = ["switching"],
        TotalValue = 125_000m,
        Currency = "USD",
        ExpectedClose = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(60)),
        SubmittedAt = DateTimeOffset.UtcNow.AddDays(-2),
        ApprovedAt = DateTimeOffset.UtcNow,
        ProtectionEndsAt = new DateTimeOffset(2027, 2, 24, 0, 0, 0, TimeSpan.Zero),
    };
}
