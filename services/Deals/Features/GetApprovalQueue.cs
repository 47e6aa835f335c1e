using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>
/// The channel manager's work queue: registrations waiting for a decision (normal and compliance
/// review), overdue first, then oldest first, with the partner and the number of conflicts; filtered by
/// queue, overdue, region, partner and text (customer name or domain, partner name), paged.
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

    public sealed record Answer(IReadOnlyList<Item> Items, int Page, int PageSize, long Total);

    public static readonly string[] Queues = ["normal", "compliance"];

    const string Filter = $"""
        from deals d left join partners p on p.id = d.partner_id
        where d.status in ('{DealStatus.Submitted}', '{DealStatus.ComplianceReview}')
          and (@Queue::text is null or (@Queue = 'compliance') = (d.status = '{DealStatus.ComplianceReview}'))
          and (not @OnlyOverdue or d.overdue)
          and (@Region::text is null or d.customer_region = @Region)
          and (@PartnerId::uuid is null or d.partner_id = @PartnerId)
          and (@Search::text is null or d.customer_name ilike @Search or d.customer_domain ilike @Search or p.legal_name ilike @Search)
        """;

    const string Sql = $"""
        select d.id, d.status, d.partner_id, p.legal_name as partner_name, p.tier as partner_tier, d.distributor_id,
               d.customer_name, d.customer_country, d.customer_region, d.product_families, d.total_value, d.currency,
               d.submitted_at, d.sla_due_at, d.overdue, d.compliance_reason,
               (select count(*) from deal_conflicts c where c.deal_id = d.id or c.other_deal_id = d.id)::int as conflict_count
        {Filter}
        order by d.overdue desc, d.submitted_at, d.id
        limit @PageSize offset @Offset;
        select count(*) {Filter};
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/queue", Handle).RequireAuthorization(Policies.Staff)
            .Produces<Answer>().ProducesValidationProblem().WithValues("queue", Queues)
            .WithSummary("Deals waiting for a decision, overdue first, then oldest; filtered and paged");

    static async Task<IResult> Handle(NpgsqlDataSource db, CancellationToken ct, string? queue = null, bool? overdue = null,
        string? region = null, Guid? partnerId = null, string? q = null, int? page = null, int? pageSize = null)
    {
        var check = new Check();
        check.OneOf("queue", queue, Queues, required: false);
        check.Text("region", region, 100, required: false);
        check.Text("q", q, 200, required: false);
        var pageNumber = check.Range("page", page ?? 1, 1, 100_000) ?? 1;
        var size = check.Range("pageSize", pageSize ?? 50, 1, 500) ?? 50;
        if (check.Failed) return check.Problem();
        await using var conn = await db.OpenSnapshotAsync(ct);
        using var results = await conn.QueryMultipleAsync(new CommandDefinition(Sql, new
        {
            Queue = queue,
            OnlyOverdue = overdue == true,
            Region = region,
            PartnerId = partnerId,
            Search = Like.Containing(q),
            PageSize = size,
            Offset = (pageNumber - 1) * size,
        }, cancellationToken: ct));
        var items = (await results.ReadAsync<Item>()).AsList();
        var total = await results.ReadSingleAsync<long>();
        return TypedResults.Ok(new Answer(items, pageNumber, size, total));
    }
}
