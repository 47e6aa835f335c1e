using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using Channel.Testing;

namespace Channel.Partners.Tests;

public sealed class AddingPartnerUsers(PartnersApp app) : IClassFixture<PartnersApp>
{
    static async Task<string> Domain(PartnersApp app, Guid id) => (await app.Get(id)).GetProperty("websiteDomain").GetString()!;

    [Fact]
    public async Task A_partner_adds_a_user_on_its_own_domain_and_it_is_in_the_history()
    {
        var id = await app.ActivePartner();
        var domain = await Domain(app, id);

        var response = await app.PartnerUser(id).PostAsJsonAsync($"/api/partners/{id}/users",
            new { name = "Morgan Lee", email = $"morgan.lee@{domain}", role = "sales" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var users = await app.PartnerUser(id).GetFromJsonAsync<JsonElement>($"/api/partners/{id}/users");
        Assert.Equal($"morgan.lee@{domain}", Assert.Single(users.EnumerateArray()).GetProperty("email").GetString());
        var history = await app.Manager().GetFromJsonAsync<JsonElement>($"/api/partners/{id}/history");
        Assert.Equal("user_added", history.EnumerateArray().Last().GetProperty("action").GetString());
    }

    [Fact]
    public async Task A_user_off_the_partner_domain_is_refused()
    {
        var id = await app.ActivePartner();

        var response = await app.Manager().PostAsJsonAsync($"/api/partners/{id}/users",
            new { name = "Outsider", email = "someone@other-company.example", role = "viewer" });

        await response.AssertBadRequest("email");
        Assert.Equal(0L, await app.Db.Scalar<long>("select count(*) from partner_users where partner_id = @id", new { id }));
    }

    [Fact]
    public async Task The_same_email_twice_is_a_conflict()
    {
        var id = await app.ActivePartner();
        var domain = await Domain(app, id);
        var user = new { name = "Sam", email = $"sam@{domain}", role = "admin" };
        (await app.Manager().PostAsJsonAsync($"/api/partners/{id}/users", user)).EnsureSuccessStatusCode();

        var response = await app.Manager().PostAsJsonAsync($"/api/partners/{id}/users", user with { email = $"SAM@{domain}" });

        await response.AssertProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_partner_cannot_add_users_to_another_partner()
    {
        var mine = await app.ActivePartner();
        var theirs = await app.ActivePartner();
        var domain = await Domain(app, theirs);

        var response = await app.PartnerUser(mine).PostAsJsonAsync($"/api/partners/{theirs}/users",
            new { name = "Mole", email = $"mole@{domain}", role = "admin" });

        await response.AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(0L, await app.Db.Scalar<long>("select count(*) from partner_users where partner_id = @theirs", new { theirs }));
    }
}
