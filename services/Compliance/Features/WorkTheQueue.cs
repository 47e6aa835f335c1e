using System.Security.Claims;
using System.Text.Json;
using Channel.Contracts.Compliance;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Compliance.Features;

/// <summary>
/// The compliance queue: every subject a screening holds for review, oldest first, with the evidence (the list hits
/// and the rules). An officer clears one (the evidence shown no longer holds it: a later screening that finds exactly
/// that evidence again lets it pass; new evidence holds it again) or confirms it (it is refused), always with a reason;
/// both are audited and announced to the subject's owner.
/// </summary>
public static class WorkTheQueue
{
    public sealed class Item
    {
        public string Kind { get; init; } = "";
        public string Id { get; init; } = "";
        public string Name { get; init; } = "";
        public string Reason { get; init; } = "";
        public string[] Evidence { get; init; } = [];
        public DateTimeOffset Since { get; init; }
        public Guid DecisionId { get; init; }
        public JsonElement Inputs { get; set; }
        public JsonElement Hits { get; set; }
        public JsonElement AppliedRules { get; set; }
        internal string InputsJson { get; init; } = "{}";
        internal string HitsJson { get; init; } = "[]";
        internal string RulesJson { get; init; } = "[]";
        internal long Total { get; init; }
    }

    public sealed record Listing(IReadOnlyList<Item> Items, int Page, int PageSize, long Total);

    public sealed record Request(string? Reason);

    const string Sql = """
        select s.kind, s.id, s.name, s.reason, s.evidence, s.updated_at as since, s.decision_id,
               d.inputs::text as inputs_json, d.hits::text as hits_json, d.applied_rules::text as rules_json, count(*) over () as total
        from subjects s join decisions d on d.id = s.decision_id
        where s.review = 'open' and (@kind::text is null or s.kind = @kind)
        order by s.updated_at, s.kind, s.id
        limit @pageSize offset @offset
        """;

    const string Clear = """
        insert into clearances (kind, subject_id, evidence, cleared_by, cleared_at, reason)
        select @kind, @id, e, @actor, @now, @reason from unnest(@evidence::text[]) e
        on conflict do nothing
        """;

    const string Audit = """
        insert into audit (at, actor, action, kind, subject_id, reason, detail) values (@now, @actor, @action, @kind, @id, @reason, @detail::jsonb)
        """;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/queue", List).RequireAuthorization(Policies.ComplianceOfficer)
            .Produces<Listing>().ProducesValidationProblem().WithValues("kind", ScreeningSubject.All).WithSummary("The compliance queue, with the evidence");
        api.MapPost("/queue/{kind}/{id}/clear", (string kind, string id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Decisions decisions,
                TimeProvider clock, CancellationToken ct) => Decide(kind, id, request, true, user, db, decisions, clock, ct))
            .RequireAuthorization(Policies.ComplianceOfficer)
            .Produces(200).ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409).WithSummary("Clear a held subject, with the reason");
        api.MapPost("/queue/{kind}/{id}/confirm", (string kind, string id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Decisions decisions,
                TimeProvider clock, CancellationToken ct) => Decide(kind, id, request, false, user, db, decisions, clock, ct))
            .RequireAuthorization(Policies.ComplianceOfficer)
            .Produces(200).ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409).WithSummary("Confirm a held subject (it is refused), with the reason");
    }

    static async Task<IResult> List(NpgsqlDataSource db, CancellationToken ct, string? kind = null, int page = 1, int pageSize = 50)
    {
        var check = new Check();
        kind = check.OneOf("kind", kind, ScreeningSubject.All, required: false);
        check.Range("page", (int?)page, 1, 100_000);
        check.Range("pageSize", (int?)pageSize, 1, 200);
        if (check.Failed) return check.Problem();
        await using var conn = await db.OpenConnectionAsync(ct);
        var items = (await conn.QueryAsync<Item>(new CommandDefinition(Sql, new { kind, pageSize, offset = (page - 1) * pageSize }, cancellationToken: ct))).ToList();
        foreach (var i in items)
        {
            i.Inputs = JsonDocument.Parse(i.InputsJson).RootElement.Clone();
            i.Hits = JsonDocument.Parse(i.HitsJson).RootElement.Clone();
            i.AppliedRules = JsonDocument.Parse(i.RulesJson).RootElement.Clone();
        }
        return TypedResults.Ok(new Listing(items, page, pageSize, items.FirstOrDefault()?.Total ?? 0));
    }

    static async Task<IResult> Decide(string kind, string id, Request request, bool clear, ClaimsPrincipal user, NpgsqlDataSource db,
        Decisions decisions, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000);
        if (check.Failed) return check.Problem();
        var actor = Caller.From(user).Subject;
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var subject = await Decisions.Lock(tx, kind, id, ct);
        if (subject is null) return TypedResults.Problem(statusCode: 404, title: "No such subject.");
        if (subject.Review != Reviews.Open)
            return TypedResults.Problem(statusCode: 409, title: $"This {kind} is not waiting for a compliance decision.",
                detail: $"Its screening is {subject.Outcome ?? "pending"}{(subject.Review is null ? "" : $" ({subject.Review})")}.");
        if (clear)
            await conn.ExecuteAsync(new CommandDefinition(Clear, new { kind, id, actor, now, reason, evidence = subject.Evidence }, tx, cancellationToken: ct));
        var decision = await decisions.Decide(tx, subject, clear, reason!, actor, ct);
        await conn.ExecuteAsync(new CommandDefinition(Audit, new
        {
            now,
            actor,
            action = clear ? Reviews.Cleared : Reviews.Confirmed,
            kind,
            id,
            reason,
            detail = JsonSerializer.Serialize(new { evidence = subject.Evidence, decision }, Decisions.Json),
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new { decision, outcome = clear ? ScreeningOutcome.Clear : ScreeningOutcome.Block });
    }
}
