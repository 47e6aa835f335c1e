using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using Channel.Testing;

namespace Channel.Partners.Tests;

public sealed class EnforcingScope(PartnersApp app) : IClassFixture<PartnersApp>
{
    public static TheoryData<string> ManagerActions => ["approve", "reject", "clear-hold", "suspend", "reinstate", "terminate", "tier"];

    [Fact]
    public async Task A_partner_user_sees_only_its_own_partner_in_every_read()
    {
        var mine = await app.ActivePartner();
        var theirs = await app.ActivePartner();
        var me = app.PartnerUser(mine);

        Assert.Equal(HttpStatusCode.OK, (await me.GetAsync($"/api/partners/{mine}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await me.GetAsync($"/api/partners/{mine}/history")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await me.GetAsync($"/api/partners/{mine}/users")).StatusCode);
        await (await me.GetAsync($"/api/partners/{theirs}")).AssertProblem(HttpStatusCode.NotFound);
        await (await me.GetAsync($"/api/partners/{theirs}/history")).AssertProblem(HttpStatusCode.NotFound);
        await (await me.GetAsync($"/api/partners/{theirs}/users")).AssertProblem(HttpStatusCode.NotFound);

        var list = await me.GetFromJsonAsync<JsonElement>("/api/partners?pageSize=500");
        Assert.Equal([mine], list.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
        Assert.Equal(1, list.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task A_distributor_sees_active_partners_only()
    {
        var active = await app.ActivePartner();
        var applied = await app.Apply();
        var distributor = app.DistributorUser(Guid.NewGuid());

        Assert.Equal(HttpStatusCode.OK, (await distributor.GetAsync($"/api/partners/{active}")).StatusCode);
        await (await distributor.GetAsync($"/api/partners/{applied}")).AssertProblem(HttpStatusCode.NotFound);
        await (await distributor.GetAsync($"/api/partners/{active}/history")).AssertProblem(HttpStatusCode.NotFound);
        var list = await distributor.GetFromJsonAsync<JsonElement>("/api/partners?pageSize=500");
        Assert.All(list.GetProperty("items").EnumerateArray(), p => Assert.Equal("active", p.GetProperty("status").GetString()));
        Assert.DoesNotContain(applied, list.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
    }

    [Theory]
    [MemberData(nameof(ManagerActions))]
    public async Task A_partner_cannot_take_manager_actions_even_on_itself(string action)
    {
        var id = await app.Apply();

        var response = await app.PartnerUser(id).PostAsJsonAsync($"/api/partners/{id}/{action}", new { tier = "platinum", reason = "please" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("applied", (await app.Get(id)).GetProperty("status").GetString());
    }

    [Theory]
    [MemberData(nameof(ManagerActions))]
    public async Task Leadership_reads_everything_but_cannot_take_manager_actions(string action)
    {
        var id = await app.Apply();

        Assert.Equal(HttpStatusCode.OK, (await app.Leader().GetAsync($"/api/partners/{id}")).StatusCode);
        var response = await app.Leader().PostAsJsonAsync($"/api/partners/{id}/{action}", new { tier = "gold", reason = "x" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("GET", "/{id}")]
    [InlineData("GET", "/{id}/history")]
    [InlineData("GET", "/{id}/users")]
    [InlineData("POST", "/{id}/users")]
    [InlineData("POST", "/{id}/approve")]
    [InlineData("POST", "/{id}/reject")]
    [InlineData("POST", "/{id}/clear-hold")]
    [InlineData("POST", "/{id}/suspend")]
    [InlineData("POST", "/{id}/reinstate")]
    [InlineData("POST", "/{id}/terminate")]
    [InlineData("POST", "/{id}/tier")]
    public async Task Without_a_token_everything_but_applying_is_401(string method, string path)
    {
        var id = await app.Apply();
        var request = new HttpRequestMessage(new HttpMethod(method), "/api/partners" + path.Replace("{id}", id.ToString()));
        if (method == "POST") request.Content = JsonContent.Create(new { tier = "gold", reason = "x", name = "x", email = "x@y.example", role = "admin" });

        var response = await app.Anonymous().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_401()
    {
        var forged = Channel.Hosting.Auth.AuthSetup.Mint(new byte[32], "channel-manager", "mallory");
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", forged);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/partners")).StatusCode);
    }
}
