using System.Security.Claims;
using Channel.Compliance.Screening;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Compliance.Features;

/// <summary>
/// A compliance officer rewrites a rule (the whole rule, with the reason) or retires it. The old wording stays in the
/// versions before, so a screening replayed as of then still finds it; every live subject is screened again.
/// </summary>
public static class ChangeRule
{
    public sealed record Retirement(string? Reason);

    const string Exists = "select count(*) from rules where rule_id = @id and to_version is null";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPut("/rules/{id:guid}", Handle).RequireAuthorization(Policies.ComplianceOfficer)
            .Produces<AddRule.Changed>().ProducesValidationProblem().ProducesProblem(404).WithSummary("Change a public-sector rule");
        api.MapPost("/rules/{id:guid}/retire", Retire).RequireAuthorization(Policies.ComplianceOfficer)
            .Produces<AddRule.Changed>().ProducesValidationProblem().ProducesProblem(404).WithSummary("Retire a public-sector rule");
    }

    static async Task<IResult> Handle(Guid id, AddRule.Request request, ClaimsPrincipal user, NpgsqlDataSource db, Rescreener rescreener,
        TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var rule = AddRule.Validate(check, request, id);
        if (request.Reason is null) check.Add("reason", "is required: why the rule changes");
        if (check.Failed || rule is null) return check.Problem();
        return await Commit(db, rescreener, clock, user, id, rule, $"Changed: {AddRule.Describe(rule)}", request.Reason!, ct);
    }

    static async Task<IResult> Retire(Guid id, Retirement request, ClaimsPrincipal user, NpgsqlDataSource db, Rescreener rescreener,
        TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000);
        if (check.Failed) return check.Problem();
        return await Commit(db, rescreener, clock, user, id, null, $"Retired rule {id}", reason!, ct);
    }

    static async Task<IResult> Commit(NpgsqlDataSource db, Rescreener rescreener, TimeProvider clock, ClaimsPrincipal user, Guid id, Rule? rule,
        string summary, string reason, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var version = await Changes.Begin(tx, "rules", ct);
        if (await conn.ExecuteScalarAsync<long>(new CommandDefinition(Exists, new { id }, tx, cancellationToken: ct)) == 0)
            return TypedResults.Problem(statusCode: 404, title: "No such rule.", detail: $"Rule {id} is not among the rules in force.");
        await Changes.Rules(tx, version, [id], rule is null ? [] : [rule], ct);
        var made = await Changes.Record(tx, "rules", version, Caller.From(user).Subject, clock.GetUtcNow(), summary,
            new { ruleId = id, changedTo = rule, reason }, ct);
        await tx.CommitAsync(ct);
        rescreener.Wake();
        return TypedResults.Ok(new AddRule.Changed(made.Id, version, id, made.Queued));
    }
}
