using Channel.Compliance.Screening;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Compliance.Features;

/// <summary>
/// What was known when: a subject screened as of a past moment, from what its owner had said of it by then, against the
/// list and rules versions made by then and the rules in effect that day, with the clearances given by then; next to
/// the decision that was in force at that moment. The two agree unless something was decided later about that moment
/// (which is the point of asking).
/// </summary>
public static class ReplayScreening
{
    public sealed record Replay(string Kind, string SubjectId, DateTimeOffset AsOf, ListDecisions.Decision? DecisionThen, Verdict Replayed);

    const string Then = $"""
        select {ListDecisions.Columns} from decisions
        where kind = @kind and subject_id = @id and decided_at <= @asOf
        order by sequence desc limit 1
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/subjects/{kind}/{id}/screening", Handle).RequireAuthorization(Policies.ComplianceOfficer)
            .Produces<Replay>().ProducesValidationProblem().ProducesProblem(404).WithSummary("Screen a subject as of a moment: what was known then");

    static async Task<IResult> Handle(string kind, string id, NpgsqlDataSource db, Decisions decisions, TimeProvider clock, CancellationToken ct,
        DateTimeOffset? asOf = null)
    {
        var check = new Check();
        var subject = ListDecisions.Subject(check, "subject", $"{kind}:{id}");
        var now = clock.GetUtcNow();
        if (asOf > now) check.Add("asOf", "must not be in the future");
        if (check.Failed || subject is null) return check.Problem();
        var at = asOf ?? now;
        await using var conn = await db.OpenConnectionAsync(ct);
        var then = await conn.QuerySingleOrDefaultAsync<ListDecisions.Decision>(new CommandDefinition(Then, new { kind, id, asOf = at }, cancellationToken: ct));
        if (then is null)
            return TypedResults.Problem(statusCode: 404, title: "Nothing was known of this subject then.",
                detail: $"No screening of {kind}:{id} was made by {at:u}.");
        ListDecisions.Read(then);
        var inputs = System.Text.Json.JsonSerializer.Deserialize<Inputs>(then.InputsJson, Decisions.Json) ?? new Inputs();
        var cleared = await Decisions.Cleared(conn, null, kind, id, ct, at, inputs);
        var verdict = await decisions.Evaluate(conn, null, inputs, at, cleared, ct);
        return TypedResults.Ok(new Replay(kind, id, at, then, verdict));
    }
}
