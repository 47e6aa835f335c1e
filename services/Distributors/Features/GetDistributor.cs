using System.Security.Claims;
using Channel.Hosting.Auth;
using Npgsql;

namespace Channel.Distributors.Features;

/// <summary>One distributor, for staff and the distributor's own users.</summary>
public static class GetDistributor
{
    const string Sql = $"select {Distributors.Columns} from distributors where id = @Id";

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/{id:guid}", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Distributor>().ProducesProblem(404).WithSummary("Get one distributor");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        if (!Distributors.MayActFor(Caller.From(user), id)) return Distributors.NotFound("distributor", id);
        await using var conn = await db.OpenConnectionAsync(ct);
        var found = (await Distributors.Query(conn, Sql, new { Id = id }, null, ct)).SingleOrDefault();
        return found is null ? Distributors.NotFound("distributor", id) : TypedResults.Ok(found);
    }
}
