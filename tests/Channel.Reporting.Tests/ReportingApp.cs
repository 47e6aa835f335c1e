using Channel.Contracts.Deals;
using Channel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Channel.Reporting.Tests;

/// <summary>The Reporting service in process on its own database and virtual host; the tests play the other services' events.</summary>
public sealed class ReportingApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public TestDatabase Db { get; private set; } = null!;
    public TestVirtualHost Broker { get; private set; } = null!;
    public EventCollector Bus { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.Create("reporting");
        Broker = await TestVirtualHost.Create("reporting");
        Bus = await EventCollector.Start(Broker.Uri, "test-reporting-unused", typeof(DealWon));
        _ = Server;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Db", Db.ConnectionString);
        builder.UseSetting("RabbitMq:Uri", Broker.Uri);
        builder.UseSetting("Auth:SigningKey", TestEnvironment.SigningKeyBase64);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    public HttpClient As(string role, Guid? partner = null, Guid? distributor = null) => CreateClient().As(role, partner, distributor);

    /// <summary>Waits until the service has handled this many distinct messages.</summary>
    public Task WaitForInbox(long count) =>
        Eventually.True(async () => await Db.Scalar<long>("select count(*) from inbox") >= count, $"the projections to handle {count} messages");

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Bus.DisposeAsync();
        await base.DisposeAsync();
        await Broker.DisposeAsync();
        await Db.DisposeAsync();
    }
}
