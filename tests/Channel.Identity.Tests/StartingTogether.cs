using System.Net;
using Channel.Testing;

namespace Channel.Identity.Tests;

/// <summary>
/// Several instances of the service started at once on one database (as <c>./channel up --instances 3</c> and a scaled
/// Deployment do) all start: each registers the configured clients, in turn.
/// </summary>
public sealed class StartingTogether(IdentityApp app) : IClassFixture<IdentityApp>
{
    [Fact]
    public async Task Four_more_instances_started_at_once_on_the_same_database_all_start_and_serve_the_clients()
    {
        var instances = Enumerable.Range(0, 4).Select(_ => app.WithWebHostBuilder(_ => { })).ToList();
        try
        {
            await Task.WhenAll(instances.Select(i => Task.Run(() => i.Server)));
            foreach (var instance in instances)
            {
                var (status, _) = await CodeFlow.Token(instance.CreateClient(), new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials",
                    ["client_id"] = IdentityApp.IntegrationClient,
                    ["client_secret"] = IdentityApp.IntegrationSecret,
                });
                Assert.Equal(HttpStatusCode.OK, status);
            }
            Assert.Equal(1L, await app.Db.Scalar<long>("select count(*) from oidc_applications where client_id = @id", new { id = IdentityApp.IntegrationClient }));
        }
        finally
        {
            foreach (var instance in instances) await instance.DisposeAsync();
        }
    }
}
