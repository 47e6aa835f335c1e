using System.Security.Claims;
using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>
/// The deal list as a file (CSV or Excel, see <see cref="ListExport"/>), every row the filters and the caller's scope give,
/// in the list's order.
/// </summary>
public static class ExportDeals
{
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

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/export", Handle).RequireAuthorization(Policies.Authenticated)
            .ProducesListFile().WithValues("format", ListExport.Formats).WithValues("status", [.. DealStatus.All]).WithValues("partnerTier", [.. Channel.Contracts.Partners.PartnerTier.All]).WithSort(ListDeals.Sorts).WithSummary("Every deal the filters give, as CSV or Excel");

    static async Task<IResult> Handle(ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct,
        string? format = null, string? status = null, Guid? partnerId = null, Guid? distributorId = null, string? region = null, string? customer = null,
        DateOnly? closeFrom = null, DateOnly? closeTo = null, int? expiringWithinDays = null, bool? open = null, DateOnly? submittedFrom = null,
        DateOnly? submittedTo = null, string? partnerTier = null, string? sort = null, string? direction = null)
    {
        var check = new Check();
        ListDeals.Sorts.Check(check, sort, direction);
        var kind = check.OneOf("format", format ?? "csv", ListExport.Formats);
        var args = ListDeals.Filters(check, user, clock, new(status, partnerId, distributorId, region, customer, closeFrom, closeTo, expiringWithinDays,
            open, submittedFrom, submittedTo, partnerTier));
        if (args is null || kind is null) return check.Problem();
        await using var conn = await db.OpenConnectionAsync(ct);
        var total = await conn.ExecuteScalarAsync<long>(new CommandDefinition(Count, args, cancellationToken: ct));
        if (!ListExport.Fits(check, total, "deals", "status", "status, region, partner, dates")) return check.Problem();
        var rows = (await conn.QueryAsync<Row>(new CommandDefinition(Rows(ListDeals.Sorts.OrderBy(sort, direction)), args, cancellationToken: ct))).AsList();
        return await ListExport.File(rows, kind, $"deals-{clock.GetUtcNow():yyyy-MM-dd}", "Deals", ct);
    }
}
