using System.Security.Claims;
using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>
/// One partner. Staff see every one; a partner user only its own; a distributor the partners it
/// serves or has served, as a summary (no tax id or contacts). Anyone else's answers 404, as if it
/// did not exist.
/// </summary>
public static class GetPartner
{
    const string Sql = $"select {Partners.Columns} from partners where id = @Id";

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/{id:guid}", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Partner>().Produces<PartnerSummary>().ProducesProblem(404).WithSummary("Get one partner");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = Caller.From(user);
        await using var conn = await db.OpenConnectionAsync(ct);
        var partner = await conn.QuerySingleOrDefaultAsync<Partner>(new CommandDefinition(Sql, new { Id = id }, cancellationToken: ct));
        if (partner is null || !await Partners.MaySee(conn, caller, partner.Id, ct)) return Partners.NotFound(id);
        return caller.Role == Roles.Distributor ? TypedResults.Ok(PartnerSummary.Of(partner)) : TypedResults.Ok(partner);
    }
}
