using System.Security.Claims;
using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Distributors.Features;

/// <summary>A sell-through report's summary with its first rejected lines; the distributor's own, or any for staff.</summary>
public static class GetReport
{
    public const int RejectionsShown = 1000;

    public sealed class Rejection
    {
        public int Line { get; set; }
        public string Field { get; set; } = "";
        public string Reason { get; set; } = "";
    }

    public sealed class Report
    {
        public Guid Id { get; set; }
        public Guid DistributorId { get; set; }
        public string ReportNumber { get; set; } = "";
        public DateOnly PeriodStart { get; set; }
        public DateOnly PeriodEnd { get; set; }
        public string Format { get; set; } = "";
        public DateTimeOffset ReceivedAt { get; set; }
        public string ReceivedBy { get; set; } = "";
        public int TotalLines { get; set; }
        public int AcceptedLines { get; set; }
        public int RejectedLines { get; set; }
        public decimal AcceptedAmount { get; set; }
        public int Batches { get; set; }
        public List<Rejection> Rejections { get; set; } = [];
        public bool RejectionsTruncated { get; set; }
    }

    public const string Columns = """
        id, distributor_id, report_number, period_start, period_end, format, received_at, received_by, total_lines, accepted_lines,
        rejected_lines, accepted_amount, batches
        """;

    public static async Task<Report?> Load(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid reportId, CancellationToken ct)
    {
        var report = await conn.QuerySingleOrDefaultAsync<Report>(new CommandDefinition(
            $"select {Columns} from reports where id = @reportId", new { reportId }, tx, cancellationToken: ct));
        if (report is null) return null;
        report.Rejections = (await conn.QueryAsync<Rejection>(new CommandDefinition(
            "select line_number as line, field, reason from report_rejections where report_id = @reportId order by line_number, field limit @limit",
            new { reportId, limit = RejectionsShown + 1 }, tx, cancellationToken: ct))).AsList();
        report.RejectionsTruncated = report.Rejections.Count > RejectionsShown;
        if (report.RejectionsTruncated) report.Rejections.RemoveAt(RejectionsShown);
        return report;
    }

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/reports/{reportId:guid}", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Report>().ProducesProblem(404).WithSummary("A sell-through report and its first rejected lines");

    static async Task<IResult> Handle(Guid reportId, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var report = await Load(conn, null, reportId, ct);
        if (report is null || !Distributors.MayActFor(Caller.From(user), report.DistributorId)) return Distributors.NotFound("report", reportId);
        return TypedResults.Ok(report);
    }
}
