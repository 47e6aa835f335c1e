using System.Text.Json;
using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Pricing;

/// <summary>The statuses of a special bid.</summary>
public static class SpecialBidStatus
{
    public const string Requested = "requested";
    public const string Approved = "approved";
    public const string Countered = "countered";
    public const string Rejected = "rejected";
}

/// <summary>
/// Special bids as stored (one row each, its lines as JSON) and as a caller sees them: a partner sees the discounts off
/// list asked and given, never the distributors' net costs.
/// </summary>
public static class SpecialBids
{
    public sealed record BidLine(int LineNo, string Sku, decimal ListPrice, decimal? RequestedNetCost, decimal RequestedDiscountPercent,
        decimal? DecidedNetCost = null, decimal? DecidedDiscountPercent = null);

    public sealed record Bid
    {
        public Guid Id { get; init; }
        public Guid AuthorizationId { get; init; }
        public string Status { get; init; } = "";
        public string RequestedBy { get; init; } = "";
        public string RequestedRole { get; init; } = "";
        public string? Competitor { get; init; }
        public string Justification { get; init; } = "";
        public IReadOnlyList<BidLine> Lines { get; init; } = [];
        public DateTimeOffset RequestedAt { get; init; }
        public string? DecidedBy { get; init; }
        public DateTimeOffset? DecidedAt { get; init; }
        public string? DecisionReason { get; init; }
        /// <summary>The PA revision an approved or countered bid made.</summary>
        public int? Revision { get; init; }
    }

    sealed class Row
    {
        public Guid Id { get; init; }
        public Guid AuthorizationId { get; init; }
        public string Status { get; init; } = "";
        public string RequestedBy { get; init; } = "";
        public string RequestedRole { get; init; } = "";
        public string? Competitor { get; init; }
        public string Justification { get; init; } = "";
        public string Lines { get; init; } = "[]";
        public DateTimeOffset RequestedAt { get; init; }
        public string? DecidedBy { get; init; }
        public DateTimeOffset? DecidedAt { get; init; }
        public string? DecisionReason { get; init; }
        public int? Revision { get; init; }
    }

    static readonly JsonSerializerOptions json = new(JsonSerializerDefaults.Web);

    const string Columns = """
        id, authorization_id, status, requested_by, requested_role, competitor, justification, lines::text as lines, requested_at,
        decided_by, decided_at, decision_reason, revision
        """;

    public static decimal DiscountOf(decimal list, decimal net) => list > 0 ? Math.Round((1 - net / list) * 100m, 3) : 0m;

    public static async Task<List<Bid>> Of(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid authorizationId, Caller caller, CancellationToken ct) =>
        [.. (await conn.QueryAsync<Row>(new CommandDefinition($"select {Columns} from special_bids where authorization_id = @authorizationId order by requested_at",
            new { authorizationId }, tx, cancellationToken: ct))).Select(r => View(Read(r), caller))];

    /// <summary>The bid, locked for this transaction; null when the PA has no such bid.</summary>
    public static async Task<Bid?> Lock(NpgsqlTransaction tx, Guid authorizationId, Guid bidId, CancellationToken ct) =>
        await tx.Connection!.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"select {Columns} from special_bids where id = @bidId and authorization_id = @authorizationId for update",
            new { bidId, authorizationId }, tx, cancellationToken: ct)) is { } row ? Read(row) : null;

    public static Task Insert(NpgsqlTransaction tx, Bid bid, CancellationToken ct) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition("""
            insert into special_bids (id, authorization_id, status, requested_by, requested_role, competitor, justification, lines, requested_at)
            values (@Id, @AuthorizationId, @Status, @RequestedBy, @RequestedRole, @Competitor, @Justification, @Lines::jsonb, @RequestedAt)
            """, new
        {
            bid.Id,
            bid.AuthorizationId,
            bid.Status,
            bid.RequestedBy,
            bid.RequestedRole,
            bid.Competitor,
            bid.Justification,
            Lines = JsonSerializer.Serialize(bid.Lines, json),
            bid.RequestedAt,
        }, tx, cancellationToken: ct));

    public static Task Decide(NpgsqlTransaction tx, Bid bid, CancellationToken ct) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition("""
            update special_bids set status = @Status, lines = @Lines::jsonb, decided_by = @DecidedBy, decided_at = @DecidedAt,
                decision_reason = @DecisionReason, revision = @Revision
            where id = @Id
            """, new { bid.Id, bid.Status, Lines = JsonSerializer.Serialize(bid.Lines, json), bid.DecidedBy, bid.DecidedAt, bid.DecisionReason, bid.Revision },
            tx, cancellationToken: ct));

    static Bid Read(Row r) => new()
    {
        Id = r.Id,
        AuthorizationId = r.AuthorizationId,
        Status = r.Status,
        RequestedBy = r.RequestedBy,
        RequestedRole = r.RequestedRole,
        Competitor = r.Competitor,
        Justification = r.Justification,
        Lines = JsonSerializer.Deserialize<List<BidLine>>(r.Lines, json) ?? [],
        RequestedAt = r.RequestedAt,
        DecidedBy = r.DecidedBy,
        DecidedAt = r.DecidedAt,
        DecisionReason = r.DecisionReason,
        Revision = r.Revision,
    };

    /// <summary>The bid as this caller may see it: without net costs for a partner.</summary>
    public static Bid View(Bid bid, Caller caller) => Scope.SeesCosts(caller) ? bid
        : bid with { Lines = [.. bid.Lines.Select(l => l with { RequestedNetCost = null, DecidedNetCost = null })] };
}
