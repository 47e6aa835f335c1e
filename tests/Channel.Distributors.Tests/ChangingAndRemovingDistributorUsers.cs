using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Distributors;
using Channel.Testing;

namespace Channel.Distributors.Tests;

public sealed class ChangingAndRemovingDistributorUsers(DistributorsApp app) : IClassFixture<DistributorsApp>
{
    async Task<Guid> AddUser(Guid distributor, string name, string role)
    {
        var response = await app.Manager().PostAsJsonAsync($"/api/distributors/{distributor}/users",
            new { name, email = $"{name.ToLowerInvariant()}-{Guid.NewGuid():N}@dist.example", role });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_user_added_is_announced_as_the_distributors_next_version()
    {
        var distributor = await app.Onboard();

        var user = await AddUser(distributor, "Quinn", "operations");

        var added = await app.Events.WaitFor<DistributorUserAdded>(e => e.DistributorId == distributor, TimeSpan.FromSeconds(15));
        Assert.Equal((user, "operations", 2), (added.User.UserId, added.User.Role, added.Version));
    }

    [Fact]
    public async Task A_distributor_changes_a_users_role_and_removes_another()
    {
        var distributor = await app.Onboard();
        var admin = await AddUser(distributor, "Avery", "admin");
        var sales = await AddUser(distributor, "Blake", "sales");

        var changed = await app.Distributor(distributor).PutAsJsonAsync($"/api/distributors/{distributor}/users/{sales}/role", new { role = "admin" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var removed = await app.Distributor(distributor).DeleteAsync($"/api/distributors/{distributor}/users/{admin}");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);

        var users = await app.Distributor(distributor).GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/users");
        var left = Assert.Single(users.EnumerateArray());
        Assert.Equal((sales, "admin"), (left.GetProperty("id").GetGuid(), left.GetProperty("role").GetString()));
        var roleChanged = await app.Events.WaitFor<DistributorUserRoleChanged>(e => e.DistributorId == distributor, TimeSpan.FromSeconds(15));
        Assert.Equal(("admin", "sales"), (roleChanged.User.Role, roleChanged.PreviousRole));
        var gone = await app.Events.WaitFor<DistributorUserRemoved>(e => e.DistributorId == distributor, TimeSpan.FromSeconds(15));
        Assert.Equal(admin, gone.User.UserId);
    }

    [Fact]
    public async Task The_last_admin_stays_and_a_bad_role_names_the_field()
    {
        var distributor = await app.Onboard();
        var admin = await AddUser(distributor, "Avery", "admin");
        var version = (await app.Manager().GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}")).GetProperty("version").GetInt32();

        await (await app.Manager().DeleteAsync($"/api/distributors/{distributor}/users/{admin}")).AssertProblem(HttpStatusCode.Conflict);
        await (await app.Manager().PutAsJsonAsync($"/api/distributors/{distributor}/users/{admin}/role", new { role = "sales" }))
            .AssertProblem(HttpStatusCode.Conflict);
        await (await app.Manager().PutAsJsonAsync($"/api/distributors/{distributor}/users/{admin}/role", new { role = "root" })).AssertBadRequest("role");

        Assert.Equal(version, (await app.Manager().GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}")).GetProperty("version").GetInt32());
        Assert.Equal("admin", await app.Db.Scalar<string>("select role from distributor_users where id = @admin", new { admin }));
    }

    [Fact]
    public async Task Another_distributor_a_partner_or_leadership_cannot_touch_a_distributors_users()
    {
        var distributor = await app.Onboard();
        var other = await app.Onboard();
        var sales = await AddUser(distributor, "Blake", "sales");
        var otherUser = await AddUser(other, "Casey", "sales");

        await (await app.Distributor(other).DeleteAsync($"/api/distributors/{distributor}/users/{sales}")).AssertProblem(HttpStatusCode.NotFound);
        await (await app.Distributor(other).PutAsJsonAsync($"/api/distributors/{distributor}/users/{sales}/role", new { role = "admin" }))
            .AssertProblem(HttpStatusCode.NotFound);
        await (await app.Partner(Guid.NewGuid()).DeleteAsync($"/api/distributors/{distributor}/users/{sales}")).AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Leader().DeleteAsync($"/api/distributors/{distributor}/users/{sales}")).StatusCode);
        // Another distributor's user, named under this distributor's id, is not this distributor's.
        await (await app.Distributor(distributor).DeleteAsync($"/api/distributors/{distributor}/users/{otherUser}")).AssertProblem(HttpStatusCode.NotFound);

        Assert.Equal(1L, await app.Db.Scalar<long>("select count(*) from distributor_users where distributor_id = @distributor", new { distributor }));
        Assert.Equal(1L, await app.Db.Scalar<long>("select count(*) from distributor_users where distributor_id = @other", new { other }));
    }
}
