using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Compliance.Features;

/// <summary>
/// What a list or rule change did: every subject whose screening it changed, before and after, with the reason now;
/// how many live subjects it screened again, and whether re-screening has finished.
/// </summary>
public static class GetChangeImpact
{
    public sealed class Touched
    {
        public string Kind { get; init; } = "";
        public string SubjectId { get; init; } = "";
        public string Name { get; init; } = "";
        public string? Before { get; init; }
        public string After { get; init; } = "";
        public string Reason { get; init; } = "";
        public Guid DecisionId { get; init; }
        public DateTimeOffset DecidedAt { get; init; }
        internal long Total { get; init; }
    }

    /// <summary>The change and one page of what it touched (a list import can touch thousands).</summary>
    public sealed record Impact(Guid ChangeId, string Kind, int Version, string Summary, bool Finished, int Rescreened, long Waiting,
        IReadOnlyList<Touched> Touched, int Page, int PageSize, long Total);

    const string Sql = """
        select d.kind, d.subject_id, s.name, d.previous_outcome as before, d.outcome as after, d.reason, d.id as decision_id, d.decided_at,
               count(*) over () as total
        from decisions d join subjects s on s.kind = d.kind and s.id = d.subject_id
        where d.change_id = @id
        order by d.kind, s.name, d.subject_id
        limit @pageSize offset @offset
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/changes/{id:guid}/impact", Handle).RequireAuthorization(Policies.ComplianceOfficer)
            .Produces<Impact>().ProducesValidationProblem().ProducesProblem(404).WithSummary("What a list or rule change touched, before and after");

    static async Task<IResult> Handle(Guid id, NpgsqlDataSource db, CancellationToken ct, int page = 1, int pageSize = 100)
    {
        var check = new Check();
        check.Range("page", (int?)page, 1, 100_000);
        check.Range("pageSize", (int?)pageSize, 1, 1000);
        if (check.Failed) return check.Problem();
        await using var conn = await db.OpenConnectionAsync(ct);
        var c = await conn.QuerySingleOrDefaultAsync<ListChanges.Change>(new CommandDefinition(ListChanges.One, new { id }, cancellationToken: ct));
        if (c is null) return TypedResults.Problem(statusCode: 404, title: "No such change.");
        var touched = (await conn.QueryAsync<Touched>(new CommandDefinition(Sql, new { id, pageSize, offset = (page - 1) * pageSize },
            cancellationToken: ct))).ToList();
        return TypedResults.Ok(new Impact(id, c.Kind, c.Version, c.Summary, c.RescreenedAt is not null, c.Rescreened, c.Waiting, touched,
            page, pageSize, touched.FirstOrDefault()?.Total ?? 0));
    }
}
