using System.Globalization;
using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using CsvHelper;
using CsvHelper.Configuration;
using Dapper;
using MiniExcelLibs;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>
/// The deal list as a file, every row the filters and the caller's scope give (not a page of it): CSV (RFC 4180, with
/// CsvHelper's formula-injection escaping, so a customer named "=HYPERLINK(…)" stays text) or Excel (.xlsx, written by
/// MiniExcel: every text is a string cell, never a formula). At most <see cref="MaxRows"/> rows: more is a 400 asking
/// for narrower filters.
/// </summary>
public static class ExportDeals
{
    public const int MaxRows = 100_000;

    public sealed class Row
    {
        public Guid Id { get; set; }
        public string CustomerName { get; set; } = "";
        public string? CustomerDomain { get; set; }
        public string CustomerCountry { get; set; } = "";
        public string CustomerRegion { get; set; } = "";
        public string CustomerSector { get; set; } = "";
        public string? PartnerName { get; set; }
        public Guid PartnerId { get; set; }
        public Guid? DistributorId { get; set; }
        public string Status { get; set; } = "";
        public decimal TotalValue { get; set; }
        public string Currency { get; set; } = "";
        public DateTime ExpectedClose { get; set; }
        public DateTime SubmittedAt { get; set; }
        public DateTime? ApprovedAt { get; set; }
        public DateTime? ProtectionEndsAt { get; set; }
        public decimal? ActualAmount { get; set; }
        public DateTime? ClosedAt { get; set; }
    }

    const string Count = $"select count(*) {ListDeals.Filter}";

    static string Rows(string orderBy) => $"""
        select id, customer_name, customer_domain, customer_country, customer_region, customer_sector,
               (select p.legal_name from partners p where p.id = deals.partner_id) as partner_name, partner_id, distributor_id, status,
               total_value, currency, expected_close, submitted_at, approved_at, protection_ends_at, actual_amount, closed_at
        {ListDeals.Filter}
        {orderBy}
        """;

    static readonly CsvConfiguration csv = new(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape, NewLine = "\r\n" };

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/export", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces(200, contentType: "text/csv").Produces(200, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .ProducesValidationProblem().WithSummary("Every deal the filters give, as CSV or Excel");

    static async Task<IResult> Handle(ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct,
        string? format = null, string? status = null, Guid? partnerId = null, Guid? distributorId = null, string? region = null, string? customer = null,
        DateOnly? closeFrom = null, DateOnly? closeTo = null, int? expiringWithinDays = null, string? sort = null, string? direction = null)
    {
        var check = new Check();
        check.OneOf("sort", sort, [.. ListDeals.Sorts.Keys], required: false);
        check.OneOf("direction", direction, ["asc", "desc"], required: false);
        var kind = check.OneOf("format", format ?? "csv", ["csv", "xlsx"]);
        var args = ListDeals.Filters(check, user, clock, status, partnerId, distributorId, region, customer, closeFrom, closeTo, expiringWithinDays);
        if (args is null || kind is null) return check.Problem();
        await using var conn = await db.OpenConnectionAsync(ct);
        var total = await conn.ExecuteScalarAsync<long>(new CommandDefinition(Count, args, cancellationToken: ct));
        if (total > MaxRows)
        {
            check.Add("status", $"the filters give {total:N0} deals, more than the {MaxRows:N0} an export takes: narrow them (status, region, partner, dates)");
            return check.Problem();
        }
        var rows = (await conn.QueryAsync<Row>(new CommandDefinition(Rows(ListDeals.OrderBy(sort, direction)), args, cancellationToken: ct))).AsList();
        var name = $"deals-{clock.GetUtcNow():yyyy-MM-dd}";
        if (kind == "xlsx")
        {
            using var book = new MemoryStream();
            await book.SaveAsAsync(rows, sheetName: "Deals", cancellationToken: ct);
            return TypedResults.File(book.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"{name}.xlsx");
        }
        await using var text = new StringWriter(CultureInfo.InvariantCulture);
        await using (var writer = new CsvWriter(text, csv))
        {
            writer.WriteHeader<Row>();
            await writer.NextRecordAsync();
            await writer.WriteRecordsAsync(rows, ct);
        }
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(text.ToString()), "text/csv; charset=utf-8", $"{name}.csv");
    }
}
