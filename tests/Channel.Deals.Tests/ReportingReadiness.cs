using System.Net;
using System.Text.Json;
using Channel.Testing;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace Channel.Deals.Tests;

/// <summary>
/// What the gateway and an orchestrator read from the service: while its database cannot be reached it says it is not ready
/// (503, naming the database), yet alive (the process need not be restarted), and ready again once the database is back.
/// </summary>
public sealed class ReportingReadiness(ReportingReadiness.DealsBehindAProxy app) : IClassFixture<ReportingReadiness.DealsBehindAProxy>
{
    /// <summary>The Deals service reaching its database through a proxy the test can cut.</summary>
    public sealed class DealsBehindAProxy : DealsApp
    {
        public TcpProxy Proxy { get; } = new(new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres).Port);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("ConnectionStrings:Db", new NpgsqlConnectionStringBuilder(Db.ConnectionString) { Port = Proxy.Port, Timeout = 2 }.ConnectionString);
        }

        protected override async Task Teardown()
        {
            await base.Teardown();
            await Proxy.DisposeAsync();
        }
    }

    async Task<(HttpStatusCode Status, JsonElement Body)> Health(string which)
    {
        using var response = await app.CreateClient().GetAsync($"/health/{which}");
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 && text[0] == '{' ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    [Fact]
    public async Task Without_its_database_the_service_is_not_ready_but_alive_and_ready_again_when_it_is_back()
    {
        await Eventually.True(async () => (await Health("ready")).Status == HttpStatusCode.OK, "ready with its database");

        app.Proxy.Cut();
        var (_, down) = await Eventually.Value(() => Health("ready"), h => h.Status == HttpStatusCode.ServiceUnavailable, "not ready without the database");
        Assert.Equal("Unhealthy", down.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", down.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Health("live")).Status);

        app.Proxy.Restore();
        var (_, up) = await Eventually.Value(() => Health("ready"), h => h.Status == HttpStatusCode.OK, "ready again once the database is back");
        Assert.Equal("Healthy", up.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }
}
