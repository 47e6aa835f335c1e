using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Distributors;
using Channel.Contracts.Partners;
using Channel.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static Channel.Distributors.Tests.DistributorsApp;

namespace Channel.Distributors.Tests;

/// <summary>
/// Every way the Distributors service changes what it owns is announced: each version of an
/// authorization (granted, regions changed, revoked, restored, ended by a partner's suspension) has
/// exactly one event with the state the API shows, a distributor is announced at its version, and a
/// report's lines are announced once, in batches numbered 1 to their count that hold every accepted
/// line. The list of write paths is checked against the endpoints the service maps.
/// </summary>
public sealed class AnnouncingEveryChange(DistributorsApp app) : IClassFixture<DistributorsApp>
{
    enum Aggregate { Authorization, Distributor, Report }

    /// <summary>Each write path, what it changes, and how to take a fresh one through it (the distributor, and the partner or report it touched).</summary>
    static readonly Dictionary<string, (Aggregate Changes, Func<DistributorsApp, Task<(Guid Distributor, Guid Other)>> Run)> writePaths = new()
    {
        ["POST /api/distributors/"] = (Aggregate.Distributor, async app => (await app.Onboard(), Guid.Empty)),
        ["POST /api/distributors/{id:guid}/authorizations"] = (Aggregate.Authorization, async app =>
        {
            var distributor = await app.Onboard();
            var partner = await app.AuthorizedReseller(distributor, "CA");
            await Authorize(app, distributor, partner, "CA", "OR"); // regions changed
            return (distributor, partner);
        }
        ),
        ["POST /api/distributors/{id:guid}/authorizations/{partnerId:guid}/revoke"] = (Aggregate.Authorization, async app =>
        {
            var distributor = await app.Onboard();
            var partner = await app.AuthorizedReseller(distributor);
            (await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/authorizations/{partner}/revoke", new { reason = "Ended." }))
                .EnsureSuccessStatusCode();
            await Authorize(app, distributor, partner, "WA"); // restored
            return (distributor, partner);
        }
        ),
        ["consumer: a partner's suspension ends its authorizations"] = (Aggregate.Authorization, async app =>
        {
            var distributor = await app.Onboard();
            var partner = await app.AuthorizedReseller(distributor);
            await app.Events.Publish(new PartnerSuspended
            {
                PartnerId = partner,
                Version = 1000,
                OccurredAt = DateTimeOffset.UtcNow,
                Actor = "m",
                Reason = "audit",
                Partner = States.Partner(PartnerStatus.Suspended),
            });
            await app.Events.WaitFor<ResellerAuthorizationRevoked>(e => e.Authorization.PartnerId == partner);
            return (distributor, partner);
        }
        ),
        ["POST /api/distributors/{id:guid}/reports"] = (Aggregate.Report, async app =>
        {
            var distributor = await app.Onboard();
            var reseller = await app.AuthorizedReseller(distributor);
            var n = $"POS-{Guid.NewGuid():N}"[..16];
            var rows = Enumerable.Range(1, 9).Select(i => Row(n, reseller, i, currency: i == 4 ? "XYZ" : "USD")).ToArray();
            var report = await (await app.Upload(app.Distributor(distributor), distributor, Csv([Header, .. rows]))).Content.ReadFromJsonAsync<JsonElement>();
            return (distributor, report.GetProperty("id").GetGuid());
        }
        ),
        ["POST /api/distributors/{id:guid}/suspend"] = (Aggregate.Distributor, async app =>
        {
            var distributor = await app.Onboard();
            await ChangeStatus(app, distributor, "suspend");
            return (distributor, Guid.Empty);
        }
        ),
        ["POST /api/distributors/{id:guid}/reinstate"] = (Aggregate.Distributor, async app =>
        {
            var distributor = await app.Onboard();
            await ChangeStatus(app, distributor, "suspend");
            await ChangeStatus(app, distributor, "reinstate");
            return (distributor, Guid.Empty);
        }
        ),
        ["POST /api/distributors/{id:guid}/terminate"] = (Aggregate.Authorization, async app =>
        {
            var distributor = await app.Onboard();
            var partner = await app.AuthorizedReseller(distributor);
            await ChangeStatus(app, distributor, "terminate"); // its authorization ends too
            return (distributor, partner);
        }
        ),
        ["POST /api/distributors/{id:guid}/users"] = (Aggregate.Distributor, async app =>
        {
            var distributor = await app.Onboard();
            await AddUser(app, distributor, "sales");
            return (distributor, Guid.Empty);
        }
        ),
        ["PUT /api/distributors/{id:guid}/users/{userId:guid}/role"] = (Aggregate.Distributor, async app =>
        {
            var distributor = await app.Onboard();
            var user = await AddUser(app, distributor, "sales");
            (await app.Manager().PutAsJsonAsync($"/api/distributors/{distributor}/users/{user}/role", new { role = "operations" })).EnsureSuccessStatusCode();
            return (distributor, Guid.Empty);
        }
        ),
        ["DELETE /api/distributors/{id:guid}/users/{userId:guid}"] = (Aggregate.Distributor, async app =>
        {
            var distributor = await app.Onboard();
            await AddUser(app, distributor, "admin");
            var user = await AddUser(app, distributor, "sales");
            (await app.Manager().DeleteAsync($"/api/distributors/{distributor}/users/{user}")).EnsureSuccessStatusCode();
            return (distributor, Guid.Empty);
        }
        ),
    };

    static async Task ChangeStatus(DistributorsApp app, Guid distributor, string action) =>
        (await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/{action}", new { reason = "Announced." })).EnsureSuccessStatusCode();

    static async Task<Guid> AddUser(DistributorsApp app, Guid distributor, string role)
    {
        var added = await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/users",
            new { name = "Ray", email = $"ray-{Guid.NewGuid():N}@dist.example", role });
        added.EnsureSuccessStatusCode();
        return (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static TheoryData<string> WritePaths => [.. writePaths.Keys];

    [Fact]
    public void Every_endpoint_that_writes_is_a_write_path_checked_here()
    {
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}"))
            .Where(e => !e.StartsWith("GET ") && !e.Contains("/admin/"))
            .ToList();

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, e => Assert.True(writePaths.ContainsKey(e), $"{e} writes, but no write path here goes through it"));
    }

    [Theory]
    [MemberData(nameof(WritePaths))]
    public async Task Every_version_has_one_event_with_the_state_the_api_shows(string path)
    {
        var (changes, run) = writePaths[path];
        var (distributor, other) = await run(app);

        var shown = await app.Manager().GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}");
        var distributorVersion = shown.GetProperty("version").GetInt32();
        await app.Events.WaitForCount(r => r.Message is IDistributorEvent e && e.DistributorId == distributor, distributorVersion, TimeSpan.FromSeconds(15));
        await app.Events.Settle(app.Db); // a second event for a version, or a batch too many, would have arrived by now
        var distributorEvents = app.Events.All.Select(r => r.Message).OfType<IDistributorEvent>().Where(e => e.DistributorId == distributor)
            .OrderBy(e => e.Version).ToList();
        Assert.Equal(Enumerable.Range(1, distributorVersion), distributorEvents.Select(e => e.Version));
        Assert.IsType<DistributorOnboarded>(distributorEvents[0]);
        Assert.Equal(shown.GetProperty("regions").EnumerateArray().Select(r => r.GetString()), distributorEvents[^1].Distributor.Regions);
        Assert.Equal(shown.GetProperty("status").GetString(), distributorEvents[^1].Distributor.Status);
        switch (changes)
        {
            case Aggregate.Authorization:
                var authorization = (await app.Manager().GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/resellers?includeRevoked=true"))
                    .GetProperty("items").EnumerateArray().Single(a => a.GetProperty("partnerId").GetGuid() == other);
                var version = authorization.GetProperty("version").GetInt32();
                var id = authorization.GetProperty("id").GetGuid();
                await app.Events.WaitForCount(r => r.Message is IResellerAuthorizationEvent e && e.AuthorizationId == id, version, TimeSpan.FromSeconds(15));
                var announced = app.Events.All.Select(r => r.Message).OfType<IResellerAuthorizationEvent>().Where(e => e.AuthorizationId == id)
                    .OrderBy(e => e.Version).ToList();
                Assert.Equal(Enumerable.Range(1, version), announced.Select(e => e.Version));
                Assert.Equal(authorization.GetProperty("active").GetBoolean(), announced[^1].Authorization.Active);
                Assert.Equal(authorization.GetProperty("regions").EnumerateArray().Select(r => r.GetString()), announced[^1].Authorization.Regions);
                break;
            case Aggregate.Report:
                var report = await app.Manager().GetFromJsonAsync<JsonElement>($"/api/distributors/reports/{other}");
                var count = report.GetProperty("batches").GetInt32();
                await app.Events.WaitForCount(r => r.Message is SellThroughReported s && s.ReportId == other, count, TimeSpan.FromSeconds(15));
                var batches = app.Events.Of<SellThroughReported>().Where(b => b.ReportId == other).OrderBy(b => b.Batch).ToList();
                Assert.Equal(Enumerable.Range(1, count), batches.Select(b => b.Batch));
                Assert.All(batches, b => Assert.Equal(count, b.BatchCount));
                var lines = await app.Manager().GetFromJsonAsync<JsonElement>($"/api/distributors/reports/{other}/lines");
                Assert.Equal(lines.EnumerateArray().Select(l => l.GetProperty("lineNumber").GetInt32()), batches.SelectMany(b => b.Lines).Select(l => l.LineNumber));
                Assert.Equal(report.GetProperty("acceptedAmount").GetDecimal(), batches.SelectMany(b => b.Lines).Sum(l => l.ExtendedAmount));
                break;
            case Aggregate.Distributor:
                break; // its versions are checked above, as every path's are

        }
    }

    static async Task Authorize(DistributorsApp app, Guid distributor, Guid partner, params string[] regions) =>
        (await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/authorizations", new { partnerId = partner, regions }))
            .EnsureSuccessStatusCode();
}
