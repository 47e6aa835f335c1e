using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Partners;
using Channel.Testing;

namespace Channel.Partners.Tests;

public sealed class ChangingAndRemovingPartnerUsers(PartnersApp app) : IClassFixture<PartnersApp>
{
    async Task<(Guid Partner, Guid Admin, Guid Sales)> PartnerWithTwoUsers()
    {
        var id = await app.ActivePartner();
        var domain = (await app.Get(id)).GetProperty("websiteDomain").GetString();
        async Task<Guid> Add(string name, string role)
        {
            var response = await app.Manager().PostAsJsonAsync($"/api/partners/{id}/users",
                new { name, email = $"{name.ToLowerInvariant()}@{domain}", role });
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }
        return (id, await Add("Avery", "admin"), await Add("Blake", "sales"));
    }

    async Task<string> LastAction(Guid id) =>
        (await app.Manager().GetFromJsonAsync<JsonElement>($"/api/partners/{id}/history")).EnumerateArray().Last().GetProperty("action").GetString()!;

    [Fact]
    public async Task A_partner_changes_a_users_role_and_it_is_announced_with_the_previous_role()
    {
        var (id, _, sales) = await PartnerWithTwoUsers();

        var response = await app.PartnerUser(id).PutAsJsonAsync($"/api/partners/{id}/users/{sales}/role", new { role = "admin" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("admin", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("role").GetString());
        Assert.Equal("user_role_changed", await LastAction(id));
        var changed = await app.Events.WaitFor<PartnerUserRoleChanged>(e => e.PartnerId == id, TimeSpan.FromSeconds(15));
        Assert.Equal((sales, "admin", "sales"), (changed.User.UserId, changed.User.Role, changed.PreviousRole));
    }

    [Fact]
    public async Task A_removed_user_is_gone_from_the_list_kept_in_the_history_and_announced()
    {
        var (id, admin, sales) = await PartnerWithTwoUsers();

        var response = await app.PartnerUser(id).DeleteAsync($"/api/partners/{id}/users/{sales}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var users = await app.PartnerUser(id).GetFromJsonAsync<JsonElement>($"/api/partners/{id}/users");
        Assert.Equal(admin, Assert.Single(users.EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal("user_removed", await LastAction(id));
        var removed = await app.Events.WaitFor<PartnerUserRemoved>(e => e.PartnerId == id, TimeSpan.FromSeconds(15));
        Assert.Equal(sales, removed.User.UserId);
        await (await app.PartnerUser(id).DeleteAsync($"/api/partners/{id}/users/{sales}")).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_last_admin_can_be_neither_removed_nor_demoted()
    {
        var (id, admin, _) = await PartnerWithTwoUsers();
        var version = (await app.Get(id)).GetProperty("version").GetInt32();

        await (await app.Manager().DeleteAsync($"/api/partners/{id}/users/{admin}")).AssertProblem(HttpStatusCode.Conflict);
        await (await app.PartnerUser(id).PutAsJsonAsync($"/api/partners/{id}/users/{admin}/role", new { role = "viewer" })).AssertProblem(HttpStatusCode.Conflict);

        Assert.Equal(version, (await app.Get(id)).GetProperty("version").GetInt32());
        Assert.Equal("admin", await app.Db.Scalar<string>("select role from partner_users where id = @admin", new { admin }));
    }

    [Fact]
    public async Task A_bad_role_names_the_field_and_changes_nothing()
    {
        var (id, _, sales) = await PartnerWithTwoUsers();

        await (await app.Manager().PutAsJsonAsync($"/api/partners/{id}/users/{sales}/role", new { role = "owner" })).AssertBadRequest("role");
        await (await app.Manager().PutAsJsonAsync($"/api/partners/{id}/users/{sales}/role", new { role = "sales" })).AssertProblem(HttpStatusCode.Conflict);

        Assert.Equal("sales", await app.Db.Scalar<string>("select role from partner_users where id = @sales", new { sales }));
    }

    [Fact]
    public async Task Another_partner_or_a_distributor_cannot_touch_a_partners_users()
    {
        var (id, _, sales) = await PartnerWithTwoUsers();
        var other = await app.ActivePartner();
        var (otherPartner, _, otherSales) = await PartnerWithTwoUsers();

        await (await app.PartnerUser(other).DeleteAsync($"/api/partners/{id}/users/{sales}")).AssertProblem(HttpStatusCode.NotFound);
        await (await app.PartnerUser(other).PutAsJsonAsync($"/api/partners/{id}/users/{sales}/role", new { role = "viewer" })).AssertProblem(HttpStatusCode.NotFound);
        await (await app.DistributorUser(Guid.NewGuid()).DeleteAsync($"/api/partners/{id}/users/{sales}")).AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Leader().DeleteAsync($"/api/partners/{id}/users/{sales}")).StatusCode);
        // A user of another partner, named under this partner's id, is not this partner's.
        await (await app.PartnerUser(id).DeleteAsync($"/api/partners/{id}/users/{otherSales}")).AssertProblem(HttpStatusCode.NotFound);

        Assert.Equal(2L, await app.Db.Scalar<long>("select count(*) from partner_users where partner_id = @id", new { id }));
        Assert.Equal(2L, await app.Db.Scalar<long>("select count(*) from partner_users where partner_id = @otherPartner", new { otherPartner }));
    }
}
