using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using MiniExcelLibs;

namespace Channel.Hosting.Web;

/// <summary>
/// A whole list as a file, every row its filters and the caller's scope give (not a page of it): CSV (RFC 4180, with
/// CsvHelper's formula-injection escaping, so a name such as "=HYPERLINK(…)" stays text) or Excel (.xlsx, written by
/// MiniExcel: every text is a string cell, never a formula). A list longer than <see cref="MaxRows"/> is refused with a
/// 400 asking for narrower filters, before any row is read.
/// </summary>
public static class ListExport
{
    public const int MaxRows = 100_000;

    public static readonly string[] Formats = ["csv", "xlsx"];

    const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    static readonly CsvConfiguration csv = new(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape, NewLine = "\r\n" };

    /// <summary>Says in the OpenAPI document that the route answers with a CSV or an Excel file, or a problem document.</summary>
    public static RouteHandlerBuilder ProducesListFile(this RouteHandlerBuilder route) =>
        route.Produces(200, contentType: "text/csv").Produces(200, contentType: Xlsx).ProducesValidationProblem();

    /// <summary>Adds the refusal of a list too long to export to the check (naming the filter to narrow); true when it fits.</summary>
    public static bool Fits(Check check, long total, string what, string field, string narrowBy)
    {
        if (total <= MaxRows) return true;
        check.Add(field, $"the filters give {total:N0} {what}, more than the {MaxRows:N0} an export takes: narrow them ({narrowBy})");
        return false;
    }

    /// <summary>The rows as a download named <paramref name="name"/>.csv or .xlsx (one sheet named <paramref name="sheet"/>).</summary>
    public static async Task<IResult> File<T>(IReadOnlyList<T> rows, string format, string name, string sheet, CancellationToken ct)
    {
        if (format == "xlsx")
        {
            using var book = new MemoryStream();
            await book.SaveAsAsync(rows, sheetName: sheet, cancellationToken: ct);
            return TypedResults.File(book.ToArray(), Xlsx, $"{name}.xlsx");
        }
        await using var text = new StringWriter(CultureInfo.InvariantCulture);
        await using (var writer = new CsvWriter(text, csv))
        {
            writer.WriteHeader<T>();
            await writer.NextRecordAsync();
            await writer.WriteRecordsAsync(rows, ct);
        }
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(text.ToString()), "text/csv; charset=utf-8", $"{name}.csv");
    }
}
