using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Distributors.Features;

/// <summary>
/// A report's accepted lines (all, or only those compliance flagged), and its rejected lines with field and reason, paged by
/// line number.
/// </summary>
public static class ListReportLines
{
    public sealed class Line
    {
        public int LineNumber { get; set; }
        public string InvoiceNumber { get; set; } = "";
        public DateOnly InvoiceDate { get; set; }
        public string TransactionType { get; set; } = "";
        public Guid ResellerId { get; set; }
        public string? ResellerName { get; set; }
        public string EndCustomerName { get; set; } = "";
        public string? EndCustomerDomain { get; set; }
        public string EndCustomerCountry { get; set; } = "";
        public string? EndCustomerRegion { get; set; }
        public string? EndCustomerPostalCode { get; set; }
        public string VendorSku { get; set; } = "";
        public decimal Quantity { get; set; }
        public decimal UnitPrice { get; set; }
        public decimal ExtendedAmount { get; set; }
        public string Currency { get; set; } = "";
        public Guid? DealId { get; set; }
        /// <summary>Set when the Compliance service flags the sale: review (an officer is looking at it) or block (confirmed).</summary>
        public string? ComplianceFlag { get; set; }
        public string? ComplianceReason { get; set; }
    }

    const string Lines = """
        select l.line_number, l.invoice_number, l.invoice_date, l.transaction_type, l.reseller_id, p.legal_name as reseller_name,
               l.end_customer_name, l.end_customer_domain, l.end_customer_country, l.end_customer_region, l.end_customer_postal_code,
               l.vendor_sku, l.quantity, l.unit_price, l.extended_amount, l.currency, l.deal_id, l.compliance_flag, l.compliance_reason
        from report_lines l left join partners p on p.id = l.reseller_id
        where l.report_id = @ReportId and l.line_number > @After and (not @Flagged or l.compliance_flag is not null)
        order by l.line_number limit @Limit
        """;

    const string Rejections = """
        select line_number as line, field, reason from report_rejections
        where report_id = @ReportId and line_number > @After order by line_number, field limit @Limit
        """;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/reports/{reportId:guid}/lines", (Guid reportId, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct, int? after, int? limit,
                    bool? flagged) =>
                Page<Line>(Lines, reportId, user, db, after, limit, ct, flagged ?? false))
            .RequireAuthorization(Policies.Authenticated).Produces<Line[]>().ProducesProblem(404).WithSummary("A report's accepted lines");
        api.MapGet("/reports/{reportId:guid}/rejections", (Guid reportId, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct, int? after, int? limit) =>
                Page<GetReport.Rejection>(Rejections, reportId, user, db, after, limit, ct))
            .RequireAuthorization(Policies.Authenticated).Produces<GetReport.Rejection[]>().ProducesProblem(404).WithSummary("A report's rejected lines");
    }

    /// <summary>Keyset paging: the lines after line number <paramref name="after"/>.</summary>
    static async Task<IResult> Page<T>(string sql, Guid reportId, ClaimsPrincipal user, NpgsqlDataSource db, int? after, int? limit, CancellationToken ct,
        bool flagged = false)
    {
        var check = new Check();
        var from = check.Range("after", after ?? 0, 0, int.MaxValue) ?? 0;
        var max = check.Range("limit", limit ?? 500, 1, 5000) ?? 500;
        if (check.Failed) return check.Problem();
        await using var conn = await db.OpenConnectionAsync(ct);
        var owner = await conn.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            "select distributor_id from reports where id = @reportId", new { reportId }, cancellationToken: ct));
        if (owner is null || !Distributors.MayActFor(Caller.From(user), owner.Value)) return Distributors.NotFound("report", reportId);
        return TypedResults.Ok(await conn.QueryAsync<T>(new CommandDefinition(sql, new { ReportId = reportId, After = from, Limit = max, Flagged = flagged }, cancellationToken: ct)));
    }
}
