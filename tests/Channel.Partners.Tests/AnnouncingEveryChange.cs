using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Partners;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Channel.Partners.Tests;

/// <summary>
/// Every way a partner can change bumps its version only with an event carrying its new state: one
/// event per version from 1 to the current one, the last equal to the partner as the API shows it,
/// and one audit entry per version. The list of write paths is checked against the endpoints the
/// service maps.
/// </summary>
public sealed class AnnouncingEveryChange(PartnersApp app) : IClassFixture<PartnersApp>
{
    static readonly Dictionary<string, Func<PartnersApp, Task<Guid>>> writePaths = new()
    {
        ["POST /api/partners/applications"] = app => app.Apply(),
        ["POST /api/partners/applications (a look-alike, onto hold)"] = app => app.LookAlikeOnHold(),
        ["POST /api/partners/{id:guid}/approve"] = app => app.ActivePartner(),
        ["POST /api/partners/{id:guid}/reject"] = async app => await Moved(app, await app.Apply(), "reject", new { reason = "Outside our markets." }),
        ["POST /api/partners/{id:guid}/clear-hold"] = async app =>
            await Moved(app, await app.LookAlikeOnHold(), "clear-hold", new { reason = "Another company." }),
        ["POST /api/partners/{id:guid}/suspend"] = async app => await Moved(app, await app.ActivePartner(), "suspend", new { reason = "Audit." }),
        ["POST /api/partners/{id:guid}/reinstate"] = async app =>
            await Moved(app, await Moved(app, await app.ActivePartner(), "suspend", new { reason = "Audit." }), "reinstate", new { reason = "Passed." }),
        ["POST /api/partners/{id:guid}/terminate"] = async app => await Moved(app, await app.ActivePartner(), "terminate", new { reason = "Ended." }),
        ["POST /api/partners/{id:guid}/tier"] = async app => await Moved(app, await app.ActivePartner(), "tier", new { tier = "gold", reason = "Bookings." }),
        ["POST /api/partners/{id:guid}/users"] = async app =>
        {
            var id = await app.ActivePartner();
            var domain = (await app.Get(id)).GetProperty("websiteDomain").GetString();
            return await Moved(app, id, "users", new { name = "Sam Lee", email = $"sam@{domain}", role = "sales" });
        },
        ["PUT /api/partners/{id:guid}/users/{userId:guid}/role"] = async app =>
        {
            var (id, user) = await WithUser(app);
            (await app.Manager().PutAsJsonAsync($"/api/partners/{id}/users/{user}/role", new { role = "viewer" })).EnsureSuccessStatusCode();
            return id;
        },
        ["DELETE /api/partners/{id:guid}/users/{userId:guid}"] = async app =>
        {
            var (id, user) = await WithUser(app);
            (await app.Manager().DeleteAsync($"/api/partners/{id}/users/{user}")).EnsureSuccessStatusCode();
            return id;
        },
    };

    /// <summary>An active partner with an admin and a sales user; returns the sales user.</summary>
    static async Task<(Guid Partner, Guid User)> WithUser(PartnersApp app)
    {
        var id = await app.ActivePartner();
        var domain = (await app.Get(id)).GetProperty("websiteDomain").GetString();
        (await app.Manager().PostAsJsonAsync($"/api/partners/{id}/users", new { name = "Ada", email = $"ada@{domain}", role = "admin" })).EnsureSuccessStatusCode();
        var added = await app.Manager().PostAsJsonAsync($"/api/partners/{id}/users", new { name = "Sam", email = $"sam@{domain}", role = "sales" });
        added.EnsureSuccessStatusCode();
        return (id, (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
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
        Assert.All(endpoints, e => Assert.True(writePaths.ContainsKey(e), $"{e} writes, but no write path here takes a partner through it"));
    }

    [Theory]
    [MemberData(nameof(WritePaths))]
    public async Task Every_version_has_one_event_with_the_state_the_api_shows(string path)
    {
        var id = await writePaths[path](app);

        var partner = await app.Get(id);
        var version = partner.GetProperty("version").GetInt32();
        await app.Events.WaitForCount(r => r.Message is IPartnerEvent e && e.PartnerId == id, version, TimeSpan.FromSeconds(15));
        await app.Events.Settle(app.Db); // a second event for a version would have arrived by now
        var announced = app.Events.All.Select(r => r.Message).OfType<IPartnerEvent>().Where(e => e.PartnerId == id).OrderBy(e => e.Version).ToList();

        Assert.Equal(Enumerable.Range(1, version), announced.Select(e => e.Version));
        Assert.Equal(version, (await app.Manager().GetFromJsonAsync<JsonElement>($"/api/partners/{id}/history")).GetArrayLength());
        var last = announced[^1].Partner;
        Assert.Equal(partner.GetProperty("status").GetString(), last.Status);
        Assert.Equal(partner.GetProperty("tier").ValueKind == JsonValueKind.Null ? null : partner.GetProperty("tier").GetString(), last.Tier);
        Assert.Equal(partner.GetProperty("legalName").GetString(), last.LegalName);
        Assert.Equal(partner.GetProperty("websiteDomain").GetString(), last.WebsiteDomain);
        Assert.Equal(partner.GetProperty("region").GetString(), last.Region);
        if (last.Status == PartnerStatus.Active)
            Assert.Equal(announced.Last(e => e is PartnerApproved or PartnerReinstated).Version, last.ActiveSinceVersion);
    }

    static async Task<Guid> Moved(PartnersApp app, Guid id, string action, object body)
    {
        (await app.Manager().PostAsJsonAsync($"/api/partners/{id}/{action}", body)).EnsureSuccessStatusCode();
        return id;
    }
}
