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
    public async Task A_distributor_sees_only_the_partners_it_serves_or_served_and_not_their_tax_ids_or_contacts()
    {
        var (served, revoked, stranger) = (await app.ActivePartner(), await app.ActivePartner(), await app.ActivePartner());
        var distributorId = Guid.NewGuid();
        await app.Authorize(distributorId, served, active: true);
        await app.Authorize(distributorId, revoked, active: false);
        var distributor = app.DistributorUser(distributorId);

        var one = await distributor.GetFromJsonAsync<JsonElement>($"/api/partners/{served}");
        Assert.Equal(served, one.GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.OK, (await distributor.GetAsync($"/api/partners/{revoked}")).StatusCode);
        await (await distributor.GetAsync($"/api/partners/{stranger}")).AssertProblem(HttpStatusCode.NotFound);
        await (await distributor.GetAsync($"/api/partners/{served}/history")).AssertProblem(HttpStatusCode.NotFound);
        await (await distributor.GetAsync($"/api/partners/{served}/users")).AssertProblem(HttpStatusCode.NotFound);
        var list = await distributor.GetFromJsonAsync<JsonElement>("/api/partners?pageSize=500");
        Assert.Equal(new[] { revoked, served }.Order(), list.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).Order());
        Assert.Equal(2, list.GetProperty("total").GetInt64());
        foreach (var shown in list.GetProperty("items").EnumerateArray().Append(one))
            foreach (var hidden in new[] { "taxId", "contactName", "contactEmail", "agreementVersion", "holdReason", "statusReason" })
                Assert.False(shown.TryGetProperty(hidden, out _), $"a distributor sees {hidden}");
    }

    [Fact]
    public async Task A_distributor_token_without_a_distributor_and_a_token_carrying_another_roles_id_see_nothing()
    {
        var partner = await app.ActivePartner();
        var nobody = app.CreateClient().As("distributor");
        var disguised = app.CreateClient();
        disguised.DefaultRequestHeaders.Authorization = new("Bearer",
            Channel.Hosting.Auth.AuthSetup.Mint(TestEnvironment.SigningKey, "distributor", "d", partnerId: partner, distributorId: Guid.NewGuid()));

        Assert.Equal(0, (await nobody.GetFromJsonAsync<JsonElement>("/api/partners")).GetProperty("total").GetInt64());
        await (await nobody.GetAsync($"/api/partners/{partner}")).AssertProblem(HttpStatusCode.NotFound);
        // A distributor's token that also names a partner is not that partner.
        await (await disguised.GetAsync($"/api/partners/{partner}/history")).AssertProblem(HttpStatusCode.NotFound);
        await (await disguised.GetAsync($"/api/partners/{partner}/users")).AssertProblem(HttpStatusCode.NotFound);
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
