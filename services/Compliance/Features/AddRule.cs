using System.Security.Claims;
using System.Text.RegularExpressions;
using Channel.Compliance.Screening;
using Channel.Contracts.Compliance;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Compliance.Features;

/// <summary>
/// A compliance officer adds a public-sector rule: jurisdiction (a country or "*", optionally a region) × customer type
/// × funding source × products (a family, a SKU pattern such as "SW-93*", or "*") → allow, review or block, with its
/// citation and effective dates. The rules get a new version and every live subject is screened again.
/// </summary>
public static partial class AddRule
{
    public sealed record Request(string? Country, string? Region,
        [property: ValuesFrom(typeof(CustomerTypes))] string? CustomerType,
        [property: ValuesFrom(typeof(FundingSources))] string? FundingSource,
        string? ProductPattern,
        [property: ValuesFrom(typeof(RuleActions))] string? Action,
        string? Citation, string? Description, DateOnly? EffectiveFrom, DateOnly? EffectiveTo, string? Reason = null);

    public sealed record Changed(Guid ChangeId, int Version, Guid RuleId, int Rescreening);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/rules", Handle).RequireAuthorization(Policies.ComplianceOfficer)
            .Produces<Changed>(201).ProducesValidationProblem().WithSummary("Add a public-sector rule");

    static async Task<IResult> Handle(Request request, ClaimsPrincipal user, NpgsqlDataSource db, Rescreener rescreener, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var rule = Validate(check, request, Guid.CreateVersion7());
        if (check.Failed || rule is null) return check.Problem();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var version = await Changes.Begin(tx, "rules", ct);
        await Changes.Rules(tx, version, [], [rule], ct);
        var made = await Changes.Record(tx, "rules", version, Caller.From(user).Subject, clock.GetUtcNow(),
            $"Added: {Describe(rule)}", new { added = rule, reason = request.Reason }, ct);
        await tx.CommitAsync(ct);
        rescreener.Wake();
        return TypedResults.Created($"/api/compliance/changes/{made.Id}", new Changed(made.Id, version, rule.RuleId, made.Queued));
    }

    public static string Describe(Rule r) =>
        $"{r.Action} {r.CustomerType} customers in {r.Country}{(r.Region is null ? "" : "/" + r.Region)} paying with {r.FundingSource}, products {r.ProductPattern} ({r.Citation})";

    /// <summary>Checks a rule's fields (also when a rule is changed).</summary>
    public static Rule? Validate(Check check, Request request, Guid ruleId)
    {
        var country = request.Country == "*" ? "*" : check.Country("country", request.Country);
        var region = check.Text("region", request.Region, 100, required: false);
        var type = request.CustomerType == "*" ? "*" : check.OneOf("customerType", request.CustomerType, CustomerTypes.All);
        var funding = request.FundingSource == "*" ? "*" : check.OneOf("fundingSource", request.FundingSource, FundingSources.All);
        var pattern = check.Text("productPattern", request.ProductPattern, 60);
        if (pattern is not null && !Pattern().IsMatch(pattern)) { check.Add("productPattern", "must be a product family, a SKU pattern such as SW-93* (letters, digits, '-', '.', '*'), or *"); pattern = null; }
        var action = check.OneOf("action", request.Action, RuleActions.All);
        var citation = check.Text("citation", request.Citation, 300);
        var description = check.Note("description", request.Description, 2000);
        _ = check.Note("reason", request.Reason, 2000, required: false);
        if (request.EffectiveFrom is null) check.Add("effectiveFrom", "is required (YYYY-MM-DD)");
        if (request.EffectiveTo is { } to && request.EffectiveFrom is { } from && to < from) check.Add("effectiveTo", "must not be before effectiveFrom");
        if (check.Failed) return null;
        return new Rule
        {
            RuleId = ruleId,
            Country = country!.ToUpperInvariant() is var c && c == "*" ? "*" : c,
            Region = region,
            CustomerType = type!,
            FundingSource = funding!,
            ProductPattern = pattern!.Contains('*') && pattern != "*" ? pattern.ToUpperInvariant() : pattern.ToLowerInvariant(),
            Action = action!,
            Citation = citation!,
            Description = description!,
            EffectiveFrom = request.EffectiveFrom!.Value,
            EffectiveTo = request.EffectiveTo,
        };
    }

    [GeneratedRegex(@"^[A-Za-z0-9*][A-Za-z0-9.\-* ]{0,59}$")]
    private static partial Regex Pattern();
}
