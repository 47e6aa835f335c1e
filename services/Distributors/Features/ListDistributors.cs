using System.Security.Claims;
using Channel.Hosting.Auth;
using Npgsql;

namespace Channel.Distributors.Features;

/// <summary>Distributors: staff see all; a distributor itself; a partner the distributors authorized to serve it.</summary>
public static class ListDistributors
{
    const string Sql = $"""
        select {Distributors.Columns} from distributors
        where @All
           or id = @Distributor
           or id in (select distributor_id from authorizations where partner_id = @Partner and active)
        order by name
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/", Handle).RequireAuthorization(Policies.Authenticated).Produces<Distributor[]>().WithSummary("List distributors");

    static async Task<IResult> Handle(ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = Caller.From(user);
        await using var conn = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok(await Distributors.Query(conn, Sql, new
        {
            All = caller.SeesEverything,
            Distributor = caller.Role == Roles.Distributor ? caller.DistributorId : null,
            Partner = caller.Role == Roles.Partner ? caller.PartnerId : null,
        }, null, ct));
    }
}
