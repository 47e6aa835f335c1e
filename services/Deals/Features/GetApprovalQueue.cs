using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>
/// The channel manager's work queue: registrations waiting for a decision (normal and compliance
/// review), overdue first, then oldest first, with the partner and the number of conflicts.
/// </summary>
public static class GetApprovalQueue
{
    public sealed class Item
    {
        public Guid Id { get; set; }
        public string Status { get; set; } = "";
        public Guid PartnerId { get; set; }
        public string? PartnerName { get; set; }
        public string? PartnerTier { get; set; }
        public Guid? DistributorId { get; set; }
        public string CustomerName { get; set; } = "";
        public string CustomerCountry { get; set; } = "";
        public string CustomerRegion { get; set; } = "";
        public string[] ProductFamilies { get; set; } = [];
        public decimal TotalValue { get; set; }
        public string Currency { get; set; } = "";
        public DateTimeOffset SubmittedAt { get; set; }
        public DateTimeOffset? SlaDueAt { get; set; }
        public bool Overdue { get; set; }
        public string? ComplianceReason { get; set; }
        public int ConflictCount { get; set; }
    }

    const string Sql = $"""
        select d.id, d.status, d.partner_id, p.legal_name as partner_name, p.tier as partner_tier, d.distributor_id,
               d.customer_name, d.customer_country, d.customer_region, d.product_families, d.total_value, d.currency,
               d.submitted_at, d.sla_due_at, d.overdue, d.compliance_reason,
               (select count(*) from deal_conflicts c where c.deal_id = d.id or c.other_deal_id = d.id)::int as conflict_count
        from deals d left join partners p on p.id = d.partner_id
        where d.status in ('{DealStatus.Submitted}', '{DealStatus.ComplianceReview}')
          and (@Queue::text is null or (@Queue = 'compliance') = (d.status = '{DealStatus.ComplianceReview}'))
        order by d.overdue desc, d.submitted_at, d.id
        limit @Limit
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/queue", Handle).RequireAuthorization(Policies.Staff)
            .Produces<Item[]>().ProducesValidationProblem().WithValues("queue", ["normal", "compliance"]).WithSummary("Deals waiting for a decision, overdue first");

    static async Task<IResult> Handle(NpgsqlDataSource db, CancellationToken ct, string? queue = null, int? limit = null)
    {
        var check = new Channel.Hosting.Web.Check();
        check.OneOf("queue", queue, ["normal", "compliance"], required: false);
        var max = check.Range("limit", limit ?? 200, 1, 1000) ?? 200;
        if (check.Failed) return check.Problem();
        await using var conn = await db.OpenConnectionAsync(ct);
        var items = await conn.QueryAsync<Item>(new CommandDefinition(Sql, new { Queue = queue, Limit = max }, cancellationToken: ct));
        return TypedResults.Ok(items);
    }
}
