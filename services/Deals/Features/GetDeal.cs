using System.Security.Claims;
using System.Text.Json.Nodes;
using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>
/// One deal with its product lines, history, the sell-through linked to it and, for vendor staff,
/// the conflict evidence (a partner sees how many conflicts there are, not whose deals they are).
/// </summary>
public static class GetDeal
{
    public sealed class Line
    {
        public int LineNo { get; set; }
        public string? Sku { get; set; }
        public string ProductFamily { get; set; } = "";
        public decimal Quantity { get; set; }
        public decimal Amount { get; set; }
    }

    public sealed class Conflict
    {
        public Guid OtherDealId { get; set; }
        public Guid OtherPartnerId { get; set; }
        public string? OtherPartnerName { get; set; }
        public string OtherCustomerName { get; set; } = "";
        public string OtherStatus { get; set; } = "";
        public string Rule { get; set; } = "";
        public string[] SharedFamilies { get; set; } = [];
        public string Stage { get; set; } = "";
        public DateTimeOffset FoundAt { get; set; }
    }

    public sealed record HistoryEntry(int Version, string Action, string Actor, string? Reason, JsonNode? Changes, DateTimeOffset At);

    public sealed class SellThroughLink
    {
        public Guid ReportId { get; set; }
        public string ReportNumber { get; set; } = "";
        public int LineNumber { get; set; }
        public string InvoiceNumber { get; set; } = "";
        public DateOnly InvoiceDate { get; set; }
        public string Rule { get; set; } = "";
        public decimal Amount { get; set; }
        public DateTimeOffset LinkedAt { get; set; }
    }

    public sealed record Answer(Deal Deal, IReadOnlyList<Line> Lines, int ConflictCount, IReadOnlyList<Conflict>? Conflicts,
        IReadOnlyList<HistoryEntry> History, IReadOnlyList<SellThroughLink> SellThrough);

    const string Sql = $"""
        select {Deals.Columns} from deals where id = @Id;
        select line_no, sku, product_family, quantity, amount from deal_lines where deal_id = @Id order by line_no;
        select x.other_deal_id, x.other_partner_id, p.legal_name as other_partner_name, o.customer_name as other_customer_name,
               x.other_status, x.rule, x.shared_families, x.stage, x.found_at
        from (
            select other_deal_id, other_partner_id, other_status, rule, shared_families, stage, found_at
              from deal_conflicts where deal_id = @Id
            union all
            select deal_id, (select partner_id from deals where id = c.deal_id), (select status from deals where id = c.deal_id),
                   rule, shared_families, stage, found_at
              from deal_conflicts c where other_deal_id = @Id
        ) x
        left join deals o on o.id = x.other_deal_id
        left join partners p on p.id = x.other_partner_id
        order by x.found_at;
        select version, action, actor, reason, changes::text as changes, at from deal_history where deal_id = @Id order by id;
        select report_id, report_number, line_number, invoice_number, invoice_date, rule, amount, linked_at
          from deal_sell_through where deal_id = @Id order by id;
        """;

    sealed class HistoryRow
    {
        public int Version { get; set; }
        public string Action { get; set; } = "";
        public string Actor { get; set; } = "";
        public string? Reason { get; set; }
        public string Changes { get; set; } = "{}";
        public DateTimeOffset At { get; set; }
    }

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/{id:guid}", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Answer>().ProducesProblem(404).WithSummary("One deal with its lines, conflicts, history and sell-through");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = Caller.From(user);
        await using var conn = await db.OpenConnectionAsync(ct);
        Deal? deal;
        List<Line> lines;
        List<Conflict> conflicts;
        List<HistoryEntry> history;
        List<SellThroughLink> links;
        using (var results = await conn.QueryMultipleAsync(new CommandDefinition(Sql, new { Id = id }, cancellationToken: ct)))
        {
            deal = await results.ReadSingleOrDefaultAsync<Deal>();
            lines = (await results.ReadAsync<Line>()).AsList();
            conflicts = (await results.ReadAsync<Conflict>()).AsList();
            history = [.. (await results.ReadAsync<HistoryRow>()).Select(h => new HistoryEntry(h.Version, h.Action, h.Actor, h.Reason, JsonNode.Parse(h.Changes), h.At))];
            links = (await results.ReadAsync<SellThroughLink>()).AsList();
        }
        if (deal is null || !await Deals.MaySee(conn, null, caller, deal, ct)) return Deals.NotFound(id);
        return TypedResults.Ok(new Answer(deal, lines, conflicts.Count, caller.SeesEverything ? conflicts : null, history, links));
    }
}
