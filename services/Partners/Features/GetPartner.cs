using System.Security.Claims;
using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>One partner. A partner user sees only its own; anyone else's answers 404, as if it did not exist.</summary>
public static class GetPartner
{
    const string Sql = $"select {Partners.Columns} from partners where id = @Id";

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/{id:guid}", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Partner>().ProducesProblem(404).WithSummary("Get one partner");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var partner = await conn.QuerySingleOrDefaultAsync<Partner>(new CommandDefinition(Sql, new { Id = id }, cancellationToken: ct));
        if (partner is null || !Partners.MaySee(Caller.From(user), partner.Id, partner.Status)) return Partners.NotFound(id);
        return TypedResults.Ok(partner);
    }
}
