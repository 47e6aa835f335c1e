using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Reporting.Features;

/// <summary>
/// What the channel sold: revenue and units by month, distributor, partner and SKU, and registration
/// coverage, the share of sell-through revenue that was linked to a registered deal.
/// </summary>
public static class GetSellThrough
{
    public static readonly string[] Views = ["month", "distributor", "partner", "sku"];

    const string Filter = """
        where (@From::date is null or s.month >= date_trunc('month', @From::date)::date)
          and (@To::date is null or s.month <= @To::date)
          and (@PartnerId::uuid is null or s.partner_id = @PartnerId)
          and (@DistributorId::uuid is null or s.distributor_id = @DistributorId)
          and (@All or s.partner_id = @ScopePartner or s.distributor_id = @ScopeDistributor)
        """;

    const string RegionFilter = " and (@Region::text is null or s.region = @Region)";

    public sealed class Row
    {
        public string Key { get; set; } = "";
        public string? Label { get; set; }
        public decimal Revenue { get; set; }
        public decimal Units { get; set; }
        public long Lines { get; set; }
        /// <summary>Revenue linked to registered deals (not split by SKU, nor by region: null there).</summary>
        public decimal? Registered { get; set; }
        public decimal? Coverage => Registered is { } r && Revenue != 0 ? Math.Round(r / Revenue, 4) : null;
    }

    // Each slice joins the sell-through sums with the registered sums on the same key.
    static string Sliced(string key, string label, string registeredKey, string join = "") => $"""
        with sold as (
            select {key} as key, sum(s.revenue) as revenue, sum(s.units) as units, sum(s.lines) as lines
            from sell_through s {Filter}{RegionFilter} group by 1
        ), registered as (
            select {registeredKey} as key, sum(s.revenue) as revenue from sell_through_registered s {Filter} and @Region::text is null group by 1
        )
        select sold.key, {label} as label, sold.revenue, sold.units, sold.lines,
               case when @Region::text is null then coalesce(registered.revenue, 0) end as registered
        from sold left join registered on registered.key = sold.key {join}
        """;

    static readonly Dictionary<string, string> views = new()
    {
        ["month"] = Sliced("to_char(s.month, 'YYYY-MM')", "null", "to_char(s.month, 'YYYY-MM')") + " order by sold.key",
        ["distributor"] = Sliced("s.distributor_id::text", "d.name", "s.distributor_id::text",
            "left join distributors d on d.id::text = sold.key") + " order by sold.revenue desc",
        ["partner"] = Sliced("s.partner_id::text", "p.legal_name", "s.partner_id::text",
            "left join partners p on p.id::text = sold.key") + " order by sold.revenue desc limit 200",
        ["sku"] = $"""
            select s.sku as key, null as label, sum(s.revenue) as revenue, sum(s.units) as units, sum(s.lines) as lines, null::numeric as registered
            from sell_through s {Filter}{RegionFilter} group by 1 order by revenue desc limit 200
            """,
    };

    // The channel-wide month view from the month rollups (no partner, no SKU).
    const string RollupMonth = """
        with sold as (
            select to_char(s.month, 'YYYY-MM') as key, sum(s.revenue) as revenue, sum(s.units) as units, sum(s.lines) as lines
            from sell_through_month s
            where (@From::date is null or s.month >= date_trunc('month', @From::date)::date) and (@To::date is null or s.month <= @To::date)
              and (@DistributorId::uuid is null or s.distributor_id = @DistributorId) and (@Region::text is null or s.region = @Region)
            group by 1
        ), registered as (
            select to_char(s.month, 'YYYY-MM') as key, sum(s.revenue) as revenue from registered_month s
            where (@From::date is null or s.month >= date_trunc('month', @From::date)::date) and (@To::date is null or s.month <= @To::date)
              and (@DistributorId::uuid is null or s.distributor_id = @DistributorId)
            group by 1
        )
        select sold.key, null as label, sold.revenue, sold.units, sold.lines,
               case when @Region::text is null then coalesce(registered.revenue, 0) end as registered
        from sold left join registered on registered.key = sold.key
        order by sold.key
        """;

    static string ViewSql(string view, ReportQuery q) => view == "month" && q.All && q.PartnerId is null ? RollupMonth : views[view];

    const string Totals = $"""
        select 'total' as key, null as label,
               coalesce((select sum(s.revenue) from sell_through s {Filter}{RegionFilter}), 0) as revenue,
               coalesce((select sum(s.units) from sell_through s {Filter}{RegionFilter}), 0) as units,
               coalesce((select sum(s.lines) from sell_through s {Filter}{RegionFilter}), 0) as lines,
               case when @Region::text is null then coalesce((select sum(s.revenue) from sell_through_registered s {Filter}), 0) end as registered
        """;

    public sealed record Summary(Row Totals, IEnumerable<Row> ByMonth, IEnumerable<Row> ByDistributor, IEnumerable<Row> ByPartner, IEnumerable<Row> BySku);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/sell-through", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Summary>().ProducesValidationProblem().WithSummary("Sell-through and registration coverage, every slice at once");
        api.MapGet("/sell-through/{view}", View).RequireAuthorization(Policies.Authenticated)
            .Produces<Row[]>().ProducesValidationProblem().WithValues("view", Views).WithValues("format", ["json", "csv"]).WithSummary("One slice of sell-through; ?format=csv for a CSV file");
    }

    static object Args(ReportQuery q) => new { q.From, q.To, q.Region, q.PartnerId, q.DistributorId, q.All, q.ScopePartner, q.ScopeDistributor };

    static async Task<IResult> Handle(HttpRequest request, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var check = new Check();
        var q = ReportQuery.Read(check, user, request);
        if (q is null) return check.Problem();
        var args = Args(q);
        async Task<IEnumerable<Row>> Run(string sql)
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            return await conn.QueryAsync<Row>(new CommandDefinition(sql, args, cancellationToken: ct));
        }
        var totals = Run(Totals);
        var month = Run(ViewSql("month", q));
        var distributor = Run(views["distributor"]);
        var partner = Run(views["partner"]);
        var sku = Run(views["sku"]);
        await Task.WhenAll(totals, month, distributor, partner, sku);
        return TypedResults.Ok(new Summary((await totals).Single(), await month, await distributor, await partner, await sku));
    }

    static async Task<IResult> View(string view, HttpRequest request, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct,
        string? format = null)
    {
        var check = new Check();
        check.OneOf("view", view, Views);
        check.OneOf("format", format, ["json", "csv"], required: false);
        var q = ReportQuery.Read(check, user, request);
        if (q is null || check.Failed) return check.Problem();
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition(ViewSql(view, q), Args(q), cancellationToken: ct));
        return format == "csv" ? Csv.File(rows, $"sell-through-by-{view}.csv") : TypedResults.Ok(rows);
    }
}
