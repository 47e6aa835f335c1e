using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>
/// The partner list as a file (CSV or Excel, see <see cref="ListExport"/>): every partner the filters and the caller's scope
/// give, in the list's order. A distributor gets the summary it sees in the list (no contacts, no tax ids).
/// </summary>
public static class ExportPartners
{
    public sealed class Row
    {
        public Guid Id { get; set; }
        public string LegalName { get; set; } = "";
        public string WebsiteDomain { get; set; } = "";
        public string Country { get; set; } = "";
        public string Region { get; set; } = "";
        public string PartnerType { get; set; } = "";
        public string? Tier { get; set; }
        public string Status { get; set; } = "";
        public string? HoldReason { get; set; }
        public string ContactName { get; set; } = "";
        public string ContactEmail { get; set; } = "";
        public string AgreementVersion { get; set; } = "";
        public DateTime AppliedAt { get; set; }
        public DateTime UpdatedAt { get; set; }
    }

    public sealed class SummaryRow
    {
        public Guid Id { get; set; }
        public string LegalName { get; set; } = "";
        public string WebsiteDomain { get; set; } = "";
        public string Country { get; set; } = "";
        public string Region { get; set; } = "";
        public string PartnerType { get; set; } = "";
        public string? Tier { get; set; }
        public string Status { get; set; } = "";
    }

    const string Count = $"select count(*) {ListPartners.Filter}";

    static string Rows(string orderBy) => $"""
        select id, legal_name, website_domain, country, region, partner_type, tier, status, hold_reason, contact_name, contact_email,
               agreement_version, applied_at, updated_at
        {ListPartners.Filter}
        {orderBy}
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/export", Handle).RequireAuthorization(Policies.Authenticated).ProducesListFile().WithValues("format", ListExport.Formats).WithFilters()
            .WithSummary("Every partner the filters give, as CSV or Excel");

    static async Task<IResult> Handle(ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct,
        string? format = null, string[]? status = null, string? tier = null, string? type = null, string? country = null, string? region = null,
        string? q = null, string? sort = null, string? direction = null)
    {
        var check = new Check();
        ListPartners.Sorts.Check(check, sort, direction);
        var kind = check.OneOf("format", format ?? "csv", ListExport.Formats);
        var args = ListPartners.Filters(check, user, status, tier, type, country, region, q);
        if (args is null || kind is null) return check.Problem();
        await using var conn = await db.OpenConnectionAsync(ct);
        var total = await conn.ExecuteScalarAsync<long>(new CommandDefinition(Count, args, cancellationToken: ct));
        if (!ListExport.Fits(check, total, "partners", "status", "status, tier, region, name")) return check.Problem();
        var sql = Rows(ListPartners.Sorts.OrderBy(sort, direction));
        var name = $"partners-{clock.GetUtcNow():yyyy-MM-dd}";
        return Caller.From(user).Role == Roles.Distributor
            ? await ListExport.File((await conn.QueryAsync<SummaryRow>(new CommandDefinition(sql, args, cancellationToken: ct))).AsList(), kind, name, "Partners", ct)
            : await ListExport.File((await conn.QueryAsync<Row>(new CommandDefinition(sql, args, cancellationToken: ct))).AsList(), kind, name, "Partners", ct);
    }
}
