using System.Security.Claims;
using Channel.Contracts.Distributors;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Distributors.Features;

/// <summary>
/// Distributors, searched by name, filtered by status, country and region, sorted by any column (by name, A to Z, by default) and
/// paged: staff see all; a distributor itself; a partner the distributors authorized to serve it.
/// </summary>
public static class ListDistributors
{
    public sealed record Answer(IReadOnlyList<Distributor> Items, int Page, int PageSize, long Total);

    const string Filter = """
        from distributors
        where (@All or id = @Distributor or id in (select distributor_id from authorizations where partner_id = @Partner and active))
          and (@Status::text is null or status = @Status)
          and (@Country::text is null or @Country = any(countries))
          and (@Region::text is null or @Region = any(regions))
          and (@Search::text is null or name ilike @Search)
        """;

    /// <summary>What the list may be sorted by.</summary>
    public static readonly ListSort Sorts = new("name", new Dictionary<string, string>
    {
        ["name"] = "lower(name)",
        ["status"] = "status",
        ["onboarded"] = "created_at",
        ["resellers"] = "(select count(*) from authorizations a where a.distributor_id = distributors.id and a.active)",
    }, byDefaultDirection: "asc");

    static readonly string[] Statuses = [DistributorStatus.Active, DistributorStatus.Suspended, DistributorStatus.Terminated];

    static string Sql(string orderBy) => $"""
        select {Distributors.Columns} {Filter}
        {orderBy}
        limit @PageSize offset @Offset
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Answer>().ProducesValidationProblem().WithSort(Sorts).WithValues("status", Statuses).WithSummary("List, search and sort distributors");

    static async Task<IResult> Handle(ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct,
        string? q = null, string? status = null, string? country = null, string? region = null, string? sort = null, string? direction = null,
        int? page = null, int? pageSize = null)
    {
        var check = new Check();
        Sorts.Check(check, sort, direction);
        check.OneOf("status", status, Statuses, required: false);
        country = check.Country("country", country, required: false);
        check.Text("region", region, 100, required: false);
        check.Text("q", q, 200, required: false);
        var pageNumber = check.Range("page", page ?? 1, 1, 100_000) ?? 1;
        var size = check.Range("pageSize", pageSize ?? 50, 1, 500) ?? 50;
        if (check.Failed) return check.Problem();
        var caller = Caller.From(user);
        var args = new
        {
            All = caller.SeesEverything,
            Distributor = caller.Role == Roles.Distributor ? caller.DistributorId : null,
            Partner = caller.Role == Roles.Partner ? caller.PartnerId : null,
            Status = status,
            Country = country,
            Region = region?.ToUpperInvariant(),
            Search = Like.Containing(q),
            PageSize = size,
            Offset = (pageNumber - 1) * size,
        };
        await using var conn = await db.OpenSnapshotAsync(ct);
        var items = await Distributors.Query(conn, Sql(Sorts.OrderBy(sort, direction, "id")), args, null, ct);
        var total = await conn.ExecuteScalarAsync<long>(new CommandDefinition($"select count(*) {Filter}", args, cancellationToken: ct));
        return TypedResults.Ok(new Answer(items, pageNumber, size, total));
    }
}
