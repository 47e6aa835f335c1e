using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Distributors.Features;

/// <summary>Sell-through reports, newest period first: a distributor its own; staff any distributor's, or all.</summary>
public static class ListReports
{
    const string Sql = $"""
        select {GetReport.Columns} from reports
        where (@DistributorId::uuid is null or distributor_id = @DistributorId)
          and (@From::date is null or period_end >= @From)
          and (@To::date is null or period_start <= @To)
        order by period_start desc, received_at desc
        limit @PageSize offset @Offset
        """;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/{id:guid}/reports", (Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct, DateOnly? from, DateOnly? to, int? page, int? pageSize) =>
                Distributors.MayActFor(Caller.From(user), id) ? List(db, id, from, to, page, pageSize, ct) : Task.FromResult(Distributors.NotFound("distributor", id)))
            .RequireAuthorization(Policies.Authenticated).Produces<GetReport.Report[]>().WithSummary("A distributor's sell-through reports");
        api.MapGet("/reports", (NpgsqlDataSource db, CancellationToken ct, DateOnly? from, DateOnly? to, int? page, int? pageSize) =>
                List(db, null, from, to, page, pageSize, ct))
            .RequireAuthorization(Policies.Staff).Produces<GetReport.Report[]>().WithSummary("Every distributor's sell-through reports");
    }

    static async Task<IResult> List(NpgsqlDataSource db, Guid? distributorId, DateOnly? from, DateOnly? to, int? page, int? pageSize, CancellationToken ct)
    {
        var check = new Check();
        var number = check.Range("page", page ?? 1, 1, 100_000) ?? 1;
        var size = check.Range("pageSize", pageSize ?? 50, 1, 500) ?? 50;
        if (from > to) check.Add("to", "must not be before from");
        if (check.Failed) return check.Problem();
        await using var conn = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok(await conn.QueryAsync<GetReport.Report>(new CommandDefinition(Sql,
            new { DistributorId = distributorId, From = from, To = to, PageSize = size, Offset = (number - 1) * size }, cancellationToken: ct)));
    }
}
