using System.Security.Claims;
using Channel.Contracts.Pricing;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>
/// A channel manager resolves a disputed line: <c>accept</c> grants a credit (the one given, else the PA's authorized
/// credit for the line) as a manual override, which holds the line's quantity on the PA; <c>uphold</c> puts the line back
/// as it was decided. Override credits are reported as leakage (credit with no sell-through or rule behind it).
/// </summary>
public static class ResolveClaimLine
{
    public static readonly string[] Decisions = ["accept", "uphold"];

    public sealed record Request([property: ValuesFrom(typeof(ResolveClaimLine), nameof(Decisions))] string? Decision, decimal? Credit, string? Comment);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/claims/{id:guid}/lines/{lineNo:int}/resolve", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Claim>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Resolve a disputed claim line (accept with a credit, or uphold)");

    static async Task<IResult> Handle(Guid id, int lineNo, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Ledger ledger,
        ClaimDecisions decisions, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var decision = check.OneOf("decision", request.Decision, Decisions);
        var credit = check.Range("credit", request.Credit, 0m, 1_000_000_000_000m, required: false);
        if (decision == "uphold" && credit is not null) check.Add("credit", "only an accepted line is given a credit");
        var comment = check.Note("comment", request.Comment, 2000);
        if (check.Failed) return check.Problem();
        return await ledger.ChangeClaim(db, clock, user, id, lineNo, (_, _) => null,
            (claim, line, caller, now) => claim.Resolve(line!, decision == "accept", credit, comment!, caller, now),
            async (tx, before, after, now) =>
            {
                if (!before.Reserved && after.Reserved) await decisions.Reserve(tx, [after], now, ct);
                else if (before.Reserved && !after.Reserved) await decisions.Release(tx, [after], now, ct);
            }, ct);
    }
}
