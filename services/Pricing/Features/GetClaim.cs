using System.Security.Claims;
using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>One claim with its tally, its lines' reasons counted, and its history: staff any, a distributor its own (else 404).</summary>
public static class GetClaim
{
    public sealed record Answer(Claim Claim, IReadOnlyList<ReasonCount> Reasons, IReadOnlyList<GetAuthorization.HistoryEntry> History);

    public sealed class ReasonCount
    {
        public string Status { get; init; } = "";
        public string? Reason { get; init; }
        public int Lines { get; init; }
        public decimal Credit { get; init; }
    }

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/claims/{id:guid}", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Answer>().ProducesProblem(404).WithSummary("A claim, its tally and its history");

    public static async Task<Claim?> Visible(NpgsqlConnection conn, Caller caller, Guid id, CancellationToken ct)
    {
        var claim = await conn.QuerySingleOrDefaultAsync<Claim>(new CommandDefinition("select * from claims where id = @id", new { id }, cancellationToken: ct));
        return claim is not null && Scope.MaySee(caller, claim) ? claim : null;
    }

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        if (await Visible(conn, Caller.From(user), id, ct) is not { } claim) return Scope.NoSuchClaim(id);
        var reasons = await conn.QueryAsync<ReasonCount>(new CommandDefinition("""
            select status, reason, count(*)::int as lines, sum(credit) as credit from claim_lines where claim_id = @id
            group by status, reason order by status, reason
            """, new { id }, cancellationToken: ct));
        var history = await conn.QueryAsync<GetAuthorization.HistoryEntry>(new CommandDefinition(
            "select version, action, actor, reason, changes::text as changes, at from claim_history where claim_id = @id order by version",
            new { id }, cancellationToken: ct));
        return TypedResults.Ok(new Answer(claim, [.. reasons], [.. history]));
    }
}
