using System.Globalization;
using System.Security.Claims;
using System.Text;
using Channel.Contracts.Pricing;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>
/// A claim's lines with their decisions, filtered by status or reason and paged; or all of them as the 849-style answer
/// in CSV (<c>/claims/{id}/response.csv</c>): per line the status, reason code and credit.
/// </summary>
public static class ListClaimLines
{
    public sealed record Answer(IReadOnlyList<ClaimLine> Items, int Page, int PageSize, long Total);

    const string Filter = """
        from claim_lines where claim_id = @Id and (@Status::text is null or status = @Status) and (@Reason::text is null or reason = @Reason)
        """;

    const string Sql = $"""
        select * {Filter} order by line_no limit @PageSize offset @Offset;
        select count(*) {Filter};
        """;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/claims/{id:guid}/lines", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Answer>().ProducesValidationProblem().ProducesProblem(404).WithValues("status", [.. ClaimLineStatus.All]).WithSummary("A claim's lines and their decisions");
        api.MapGet("/claims/{id:guid}/response.csv", Export).RequireAuthorization(Policies.Authenticated)
            .Produces<string>(200, "text/csv").ProducesProblem(404).WithSummary("The claim's answer, line by line, as CSV (after X12 849)");
    }

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct, string? status = null, string? reason = null,
        int? page = null, int? pageSize = null)
    {
        var check = new Check();
        check.OneOf("status", status, [.. ClaimLineStatus.All], required: false);
        check.Text("reason", reason, 60, required: false);
        var pageNumber = check.Range("page", page ?? 1, 1, 1_000_000) ?? 1;
        var size = check.Range("pageSize", pageSize ?? 100, 1, 1000) ?? 100;
        if (check.Failed) return check.Problem();
        await using var conn = await db.OpenSnapshotAsync(ct);
        if (await GetClaim.Visible(conn, Caller.From(user), id, ct) is null) return Scope.NoSuchClaim(id);
        using var results = await conn.QueryMultipleAsync(new CommandDefinition(Sql,
            new { Id = id, Status = status, Reason = reason, PageSize = size, Offset = (pageNumber - 1) * size }, cancellationToken: ct));
        var items = (await results.ReadAsync<ClaimLine>()).ToList();
        return TypedResults.Ok(new Answer(items, pageNumber, size, await results.ReadSingleAsync<long>()));
    }

    static async Task<IResult> Export(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        if (await GetClaim.Visible(conn, Caller.From(user), id, ct) is not { } claim) return Scope.NoSuchClaim(id);
        var lines = await conn.QueryAsync<ClaimLine>(new CommandDefinition("select * from claim_lines where claim_id = @id order by line_no",
            new { id }, cancellationToken: ct));
        var csv = new StringBuilder("claim_number,line_no,pa_number,invoice_number,invoice_date,vendor_sku,quantity,claimed_amount,status,reason_code,accepted_credit,credit_memo\n");
        foreach (var l in lines)
            csv.Append(string.Join(',', Field(claim.ClaimNumber), l.LineNo, Field(l.PaNumber), Field(l.InvoiceNumber), l.InvoiceDate.ToString("yyyy-MM-dd"),
                Field(l.VendorSku), l.Quantity.ToString("0.####", CultureInfo.InvariantCulture), l.ClaimedAmount.ToString(CultureInfo.InvariantCulture), l.Status,
                l.Reason ?? "", l.Credit.ToString(CultureInfo.InvariantCulture), claim.CreditMemo ?? "")).Append('\n');
        return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv", $"claim-{claim.ClaimNumber}-849.csv");
    }

    /// <summary>A CSV field: quoted when it holds a comma, quote or line break; a leading = + - @ made inert for spreadsheets.</summary>
    static string Field(string text)
    {
        if (text.Length > 0 && "=+-@\t\r".Contains(text[0])) text = "'" + text;
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
    }
}
