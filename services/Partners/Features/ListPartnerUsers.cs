using System.Security.Claims;
using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>A partner's users: staff, or the partner's own users.</summary>
public static class ListPartnerUsers
{
    const string Sql = """
        select u.id, u.partner_id, u.name, u.email, u.role, u.created_at, u.created_by
        from partner_users u where u.partner_id = @Id order by u.created_at, u.id
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/{id:guid}/users", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<AddPartnerUser.User[]>().ProducesProblem(404).WithSummary("List a partner's users");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (!caller.SeesEverything && caller.PartnerId != id) return Partners.NotFound(id);
        await using var conn = await db.OpenConnectionAsync(ct);
        var exists = await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from partners where id = @Id)", new { Id = id }, cancellationToken: ct));
        if (!exists) return Partners.NotFound(id);
        var users = await conn.QueryAsync<AddPartnerUser.User>(new CommandDefinition(Sql, new { Id = id }, cancellationToken: ct));
        return TypedResults.Ok(users);
    }
}
