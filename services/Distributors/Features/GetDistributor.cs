using System.Security.Claims;
using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Distributors.Features;

/// <summary>One distributor: for staff, the distributor's own users, and the users of a partner it is authorized to serve.</summary>
public static class GetDistributor
{
    const string Sql = $"select {Distributors.Columns} from distributors where id = @Id";

    const string Serves = "select exists (select 1 from authorizations where distributor_id = @Id and partner_id = @Partner and active)";

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/{id:guid}", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Distributor>().ProducesProblem(404).WithSummary("Get one distributor");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = Caller.From(user);
        await using var conn = await db.OpenConnectionAsync(ct);
        var maySee = Distributors.MayActFor(caller, id)
            || (caller.PartnerId is { } partner && await conn.ExecuteScalarAsync<bool>(new CommandDefinition(Serves, new { Id = id, Partner = partner }, cancellationToken: ct)));
        if (!maySee) return Distributors.NotFound("distributor", id);
        var found = (await Distributors.Query(conn, Sql, new { Id = id }, null, ct)).SingleOrDefault();
        return found is null ? Distributors.NotFound("distributor", id) : TypedResults.Ok(found);
    }
}
