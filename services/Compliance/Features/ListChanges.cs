using System.Text.Json;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Compliance.Features;

/// <summary>Every list import, manual entry and rule change, newest first, with what it did and how far re-screening has got.</summary>
public static class ListChanges
{
    public sealed class Change
    {
        public Guid Id { get; init; }
        public string Kind { get; init; } = "";
        public int Version { get; init; }
        public string MadeBy { get; init; } = "";
        public DateTimeOffset MadeAt { get; init; }
        public string Summary { get; init; } = "";
        public JsonElement? Detail { get; set; }
        public DateTimeOffset? RescreenedAt { get; init; }
        public int Rescreened { get; init; }
        public long Waiting { get; init; }
    }

    public sealed record Listing(IReadOnlyList<Change> Items, int Page, int PageSize, long Total);

    const string Sql = """
        select c.id, c.kind, c.version, c.made_by, c.made_at, c.summary, c.rescreened_at, c.rescreened,
               (select count(*) from rescreens r where r.change_id = c.id) as waiting
        from changes c where @kind::text is null or c.kind = @kind
        order by c.made_at desc, c.version desc limit @pageSize offset @offset
        """;

    const string TotalSql = "select count(*) from changes where @kind::text is null or kind = @kind";

    public const string One = """
        select c.id, c.kind, c.version, c.made_by, c.made_at, c.summary, c.rescreened_at, c.rescreened,
               (select count(*) from rescreens r where r.change_id = c.id) as waiting
        from changes c where c.id = @id
        """;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/changes", Handle).RequireAuthorization(Policies.ComplianceOfficer)
            .Produces<Listing>().ProducesValidationProblem().WithValues("kind", ["list", "rules"]).WithSummary("List and rule changes");
        api.MapGet("/changes/{id:guid}", Get).RequireAuthorization(Policies.ComplianceOfficer)
            .Produces<Change>().ProducesProblem(404).WithSummary("A list or rule change, with what it added, changed and removed");
    }

    static async Task<IResult> Handle(NpgsqlDataSource db, CancellationToken ct, string? kind = null, int page = 1, int pageSize = 50)
    {
        var check = new Check();
        kind = check.OneOf("kind", kind, ["list", "rules"], required: false);
        check.Range("page", (int?)page, 1, 100_000);
        check.Range("pageSize", (int?)pageSize, 1, 200);
        if (check.Failed) return check.Problem();
        await using var conn = await db.OpenSnapshotAsync(ct);
        var items = (await conn.QueryAsync<Change>(new CommandDefinition(Sql, new { kind, pageSize, offset = (page - 1) * pageSize }, cancellationToken: ct))).ToList();
        var total = await conn.ExecuteScalarAsync<long>(new CommandDefinition(TotalSql, new { kind }, cancellationToken: ct));
        return TypedResults.Ok(new Listing(items, page, pageSize, total));
    }

    static async Task<IResult> Get(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var change = await conn.QuerySingleOrDefaultAsync<Change>(new CommandDefinition(One, new { id }, cancellationToken: ct));
        if (change is null) return TypedResults.Problem(statusCode: 404, title: "No such change.");
        var detail = await conn.ExecuteScalarAsync<string>(new CommandDefinition("select detail::text from changes where id = @id", new { id }, cancellationToken: ct));
        change.Detail = JsonDocument.Parse(detail!).RootElement.Clone();
        return TypedResults.Ok(change);
    }
}
