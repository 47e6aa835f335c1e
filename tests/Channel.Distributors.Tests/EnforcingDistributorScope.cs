using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Channel.Testing;

namespace Channel.Distributors.Tests;

public sealed class EnforcingDistributorScope(DistributorsApp app) : IClassFixture<DistributorsApp>
{
    [Theory]
    [InlineData("GET", "")]
    [InlineData("POST", "")]
    [InlineData("GET", "/{id}")]
    [InlineData("GET", "/{id}/users")]
    [InlineData("POST", "/{id}/users")]
    [InlineData("POST", "/{id}/authorizations")]
    [InlineData("POST", "/{id}/authorizations/{id}/revoke")]
    [InlineData("GET", "/{id}/resellers")]
    [InlineData("GET", "/partners/{id}")]
    [InlineData("POST", "/{id}/reports")]
    [InlineData("GET", "/{id}/reports")]
    [InlineData("GET", "/reports")]
    [InlineData("GET", "/reports/{id}")]
    [InlineData("GET", "/reports/{id}/lines")]
    [InlineData("GET", "/reports/{id}/rejections")]
    public async Task Without_a_token_every_endpoint_is_401(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), "/api/distributors" + path.Replace("{id}", Guid.NewGuid().ToString()));
        if (method == "POST") request.Content = JsonContent.Create(new { reason = "x" });

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().SendAsync(request)).StatusCode);
    }

    [Theory]
    [InlineData("partner")]
    [InlineData("distributor")]
    [InlineData("leadership")]
    public async Task Only_channel_managers_onboard_authorize_and_revoke(string role)
    {
        var distributor = await app.Onboard();
        var partner = await app.AuthorizedReseller(distributor);
        var client = app.CreateClient().As(role, partner, distributor);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/distributors", new { name = "X", countries = new[] { "US" }, regions = new[] { "CA" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"/api/distributors/{distributor}/authorizations", new { partnerId = partner, regions = new[] { "CA" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"/api/distributors/{distributor}/authorizations/{partner}/revoke", new { reason = "x" })).StatusCode);
        Assert.Equal(1L, await app.Db.Scalar<long>("select count(*) from authorizations where partner_id = @partner and active", new { partner }));
    }

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "onboard", """{"name":"","countries":["USA"],"regions":[]}""", "name,countries[0],regions" },
        { "onboard", """{"name":"Ok","countries":["US"],"regions":["CA"],"contacts":[{"name":"A","email":"not-an-email"}]}""", "contacts[0].email" },
        { "onboard", """{"name":"x\u0000y","countries":["US"],"regions":["CA"]}""", "name" },
        { "onboard", """{"name":"Ok","countries":"US","regions":["CA"]}""", "countries" },
        { "onboard", """{"name":"Ok","countries":["US"],"regions":["CA"],"tier":"gold"}""", "tier" },
        { "onboard", """{"name":"Ok","countries":["US"]""", "" },
        { "users", """{"name":"A","email":"a@b.example","role":"owner"}""", "role" },
        { "users", """{}""", "name,email,role" },
        { "authorize", """{"regions":["CA"]}""", "partnerId" },
        { "authorize", """{"partnerId":"not-a-guid","regions":["CA"]}""", "partnerId" },
        { "authorize", """{"partnerId":"00000000-0000-0000-0000-000000000001","regions":[]}""", "regions" },
        { "revoke", """{}""", "reason" },
        { "revoke", """{"reason":"HUGE"}""", "reason" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_400_naming_the_fields_and_writes_nothing(string endpoint, string json, string fields)
    {
        var distributor = await app.Onboard();
        var partner = await app.AuthorizedReseller(distributor);
        var path = endpoint switch
        {
            "onboard" => "/api/distributors",
            "users" => $"/api/distributors/{distributor}/users",
            "authorize" => $"/api/distributors/{distributor}/authorizations",
            _ => $"/api/distributors/{distributor}/authorizations/{partner}/revoke",
        };
        json = json.Replace("HUGE", new string('r', 1024 * 1024));
        var before = await Counts();

        var response = await app.Manager().PostJson(path, json);

        await response.AssertBadRequest(fields.Length == 0 ? [] : fields.Split(','));
        Assert.Equal(before, await Counts());
        Assert.Equal(1L, await app.Db.Scalar<long>("select count(*) from authorizations where partner_id = @partner and active", new { partner }));
    }

    /// <summary>Every write here changes one of these (and an event is only ever written with one of them).</summary>
    async Task<(long, long, long)> Counts() => (
        await app.Db.Scalar<long>("select count(*) from distributors"),
        await app.Db.Scalar<long>("select count(*) from distributor_users"),
        await app.Db.Scalar<long>("select coalesce(sum(version), 0) from authorizations"));
}
