using System.Security.Claims;
using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Distributors.Features;

/// <summary>
/// Who a distributor may serve (for staff and the distributor), and which distributors serve a
/// partner (for staff and the partner itself).
/// </summary>
public static class ListResellers
{
    const string Select = """
        select a.id, a.distributor_id, a.partner_id, p.legal_name as partner_name, d.name as distributor_name, a.regions, a.active,
               a.authorized_at, a.authorized_by, a.revoked_at, a.revoked_by, a.revoke_reason, a.version
        from authorizations a join distributors d on d.id = a.distributor_id left join partners p on p.id = a.partner_id
        """;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/{id:guid}/resellers", Resellers).RequireAuthorization(Policies.Authenticated)
            .Produces<Authorization[]>().ProducesProblem(404).WithSummary("The resellers a distributor is authorized to serve");
        api.MapGet("/partners/{partnerId:guid}", DistributorsOf).RequireAuthorization(Policies.Authenticated)
            .Produces<Authorization[]>().ProducesProblem(404).WithSummary("The distributors authorized to serve a partner");
    }

    static async Task<IResult> Resellers(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct, bool includeRevoked = false)
    {
        if (!Distributors.MayActFor(Caller.From(user), id)) return Distributors.NotFound("distributor", id);
        await using var conn = await db.OpenConnectionAsync(ct);
        if (!await conn.ExecuteScalarAsync<bool>(new CommandDefinition("select exists (select 1 from distributors where id = @id)", new { id }, cancellationToken: ct)))
            return Distributors.NotFound("distributor", id);
        return TypedResults.Ok(await conn.QueryAsync<Authorization>(new CommandDefinition(
            $"{Select} where a.distributor_id = @id and (a.active or @includeRevoked) order by p.legal_name, a.partner_id",
            new { id, includeRevoked }, cancellationToken: ct)));
    }

    static async Task<IResult> DistributorsOf(Guid partnerId, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (!caller.SeesEverything && !(caller.Role == Roles.Partner && caller.PartnerId == partnerId))
            return Distributors.NotFound("partner", partnerId);
        await using var conn = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok(await conn.QueryAsync<Authorization>(new CommandDefinition(
            $"{Select} where a.partner_id = @partnerId and a.active order by d.name", new { partnerId }, cancellationToken: ct)));
    }
}
