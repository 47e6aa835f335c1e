using System.Security.Claims;
using Channel.Contracts.Pricing;
using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>
/// One price authorization with what has been claimed against each line, the distributors eligible to sell against it
/// (a distributor sees only itself), its special bids (a partner sees their discounts, not net costs) and its history. 404 when the caller may not see it.
/// </summary>
public static class GetAuthorization
{
    public sealed record Answer(AuthorizationView Authorization, IReadOnlyList<LineClaims> Claimed, IReadOnlyList<Eligible> EligibleDistributors,
        IReadOnlyList<SpecialBids.Bid> SpecialBids, IReadOnlyList<HistoryEntry> History);

    public sealed class LineClaims
    {
        public int LineNo { get; init; }
        public decimal AcceptedQuantity { get; init; }
        public decimal PendingQuantity { get; init; }
        public decimal? AcceptedCredit { get; init; }
        public int Lines { get; init; }
    }

    public sealed class Eligible
    {
        public Guid DistributorId { get; init; }
        public string? Name { get; init; }
        public bool Active { get; init; }
    }

    public sealed class HistoryEntry
    {
        public int Version { get; init; }
        public string Action { get; init; } = "";
        public string Actor { get; init; } = "";
        public string? Reason { get; init; }
        public string Changes { get; init; } = "{}";
        public DateTimeOffset At { get; init; }
    }

    const string ClaimedSql = $"""
        select pa_line_no as line_no,
               coalesce(sum(quantity) filter (where status in ('{ClaimLineStatus.Accepted}', '{ClaimLineStatus.Adjusted}')), 0) as accepted_quantity,
               coalesce(sum(quantity) filter (where status = '{ClaimLineStatus.Pending}'), 0) as pending_quantity,
               coalesce(sum(credit) filter (where status in ('{ClaimLineStatus.Accepted}', '{ClaimLineStatus.Adjusted}')), 0) as accepted_credit,
               count(*)::int as lines
        from claim_lines where authorization_id = @Id and pa_line_no is not null and (@Distributor::uuid is null or distributor_id = @Distributor)
        group by pa_line_no order by pa_line_no
        """;

    const string EligibleSql = """
        select r.distributor_id, d.name, r.active
        from reseller_authorizations r left join distributors d on d.id = r.distributor_id
        where r.partner_id = @PartnerId and @Region = any(r.regions) and (r.active or r.revoked_at >= @ValidFrom)
          and (@Distributor::uuid is null or r.distributor_id = @Distributor)
        order by d.name, r.distributor_id
        """;

    public const string HistorySql = "select version, action, actor, reason, changes::text as changes, at from authorization_history where authorization_id = @Id order by version";

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/authorizations/{id:guid}", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Answer>().ProducesProblem(404).WithSummary("A price authorization, what is claimed against it, who may sell against it");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = Caller.From(user);
        await using var conn = await db.OpenConnectionAsync(ct);
        var pa = await conn.QuerySingleOrDefaultAsync<PriceAuthorization>(new CommandDefinition(
            $"select {Ledger.WithLines} from authorizations a where a.id = @id", new { id }, cancellationToken: ct));
        if (pa is null || !await Scope.MaySee(null, caller, pa, ct, conn)) return Scope.NoSuchAuthorization(id);
        var distributor = caller.Role == Roles.Distributor ? caller.DistributorId : null;
        var claimed = (await conn.QueryAsync<LineClaims>(new CommandDefinition(ClaimedSql, new { pa.Id, Distributor = distributor }, cancellationToken: ct)))
            .Select(c => Scope.SeesCosts(caller) ? c : new LineClaims { LineNo = c.LineNo, AcceptedQuantity = c.AcceptedQuantity, PendingQuantity = c.PendingQuantity, Lines = c.Lines })
            .ToList();
        var eligible = (await conn.QueryAsync<Eligible>(new CommandDefinition(EligibleSql,
            new { pa.PartnerId, Region = pa.CustomerRegion, pa.ValidFrom, Distributor = distributor }, cancellationToken: ct))).ToList();
        var history = (await conn.QueryAsync<HistoryEntry>(new CommandDefinition(HistorySql, new { pa.Id }, cancellationToken: ct))).ToList();
        var bids = await SpecialBids.Of(conn, null, pa.Id, caller, ct);
        return TypedResults.Ok(new Answer(AuthorizationView.Of(pa, caller), claimed, eligible, bids, history));
    }
}
