using System.Text.Json;
using Channel.Contracts.Compliance;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Compliance.Features;

/// <summary>
/// Every screening decision on a subject (<c>subject=deal:&lt;id&gt;</c>, <c>partner:&lt;id&gt;</c>), newest first,
/// each with the inputs it was made from, the list and rules versions, the hits and the rules that applied, what set it
/// off and who.
/// </summary>
public static class ListDecisions
{
    public sealed class Decision
    {
        public Guid Id { get; init; }
        public string Kind { get; init; } = "";
        public string SubjectId { get; init; } = "";
        public int SubjectVersion { get; init; }
        public long Sequence { get; init; }
        public DateTimeOffset DecidedAt { get; init; }
        public string Trigger { get; init; } = "";
        public Guid? ChangeId { get; init; }
        public string Actor { get; init; } = "";
        public string Outcome { get; init; } = "";
        public string? PreviousOutcome { get; init; }
        public string Reason { get; init; } = "";
        public string? Citation { get; init; }
        public int ListVersion { get; init; }
        public int RulesVersion { get; init; }
        public JsonElement Inputs { get; set; }
        public JsonElement Hits { get; set; }
        public JsonElement AppliedRules { get; set; }
        internal string InputsJson { get; init; } = "{}";
        internal string HitsJson { get; init; } = "[]";
        internal string RulesJson { get; init; } = "[]";
    }

    public sealed record Listing(IReadOnlyList<Decision> Items, int Page, int PageSize, long Total);

    public const string Columns = """
        id, kind, subject_id, subject_version, sequence, decided_at, trigger, change_id, actor, outcome, previous_outcome, reason, citation,
        list_version, rules_version, inputs::text as inputs_json, hits::text as hits_json, applied_rules::text as rules_json
        """;

    const string Sql = $"""
        select {Columns}, count(*) over () as total from decisions
        where kind = @kind and subject_id = @id
        order by sequence desc limit @pageSize offset @offset
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/decisions", Handle).RequireAuthorization(Policies.ComplianceOfficer)
            .Produces<Listing>().ProducesValidationProblem().WithSummary("Every screening decision on a subject, with its inputs and versions");

    /// <summary>Reads <c>kind:id</c>.</summary>
    public static (string Kind, string Id)? Subject(Check check, string field, string? subject)
    {
        var text = check.Text(field, subject, 200);
        if (text is null) return null;
        var at = text.IndexOf(':');
        if (at <= 0 || !ScreeningSubject.All.Contains(text[..at]) || at == text.Length - 1)
        {
            check.Add(field, $"must be kind:id with kind one of {string.Join(", ", ScreeningSubject.All)}");
            return null;
        }
        return (text[..at], text[(at + 1)..]);
    }

    static async Task<IResult> Handle(NpgsqlDataSource db, CancellationToken ct, string? subject = null, int page = 1, int pageSize = 50)
    {
        var check = new Check();
        var s = Subject(check, "subject", subject);
        check.Range("page", (int?)page, 1, 100_000);
        check.Range("pageSize", (int?)pageSize, 1, 200);
        if (check.Failed || s is null) return check.Problem();
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync<Decision, long, (Decision, long)>(new CommandDefinition(Sql,
            new { kind = s.Value.Kind, id = s.Value.Id, pageSize, offset = (page - 1) * pageSize }, cancellationToken: ct),
            (d, total) => (Read(d), total), splitOn: "total")).ToList();
        return TypedResults.Ok(new Listing([.. rows.Select(r => r.Item1)], page, pageSize, rows.Count == 0 ? 0 : rows[0].Item2));
    }

    public static Decision Read(Decision d)
    {
        d.Inputs = JsonDocument.Parse(d.InputsJson).RootElement.Clone();
        d.Hits = JsonDocument.Parse(d.HitsJson).RootElement.Clone();
        d.AppliedRules = JsonDocument.Parse(d.RulesJson).RootElement.Clone();
        return d;
    }
}
