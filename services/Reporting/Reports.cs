using System.Globalization;
using System.Security.Claims;
using System.Text;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using CsvHelper;
using CsvHelper.Configuration;

namespace Channel.Reporting;

/// <summary>The filters every report takes, and the caller's scope, as query parameters.</summary>
public sealed record ReportQuery(DateOnly? From, DateOnly? To, string? Region, Guid? PartnerId, Guid? DistributorId, string? Status,
    bool All, Guid? ScopePartner, Guid? ScopeDistributor)
{
    /// <summary>
    /// Reads and checks the filters; the scope comes from the token, never from the query: staff see
    /// everything, a partner its own figures, a distributor the deals it registered or of resellers it
    /// serves (and its own sell-through).
    /// </summary>
    public static ReportQuery? Read(Check check, ClaimsPrincipal user, HttpRequest request, IReadOnlyCollection<string>? statuses = null)
    {
        var q = request.Query;
        DateOnly? Date(string name)
        {
            var text = q[name].ToString();
            if (text.Length == 0) return null;
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
            if (DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var m)) return m;
            check.Add(name, "must be a date (YYYY-MM-DD) or a month (YYYY-MM)");
            return null;
        }
        Guid? Id(string name)
        {
            var text = q[name].ToString();
            if (text.Length == 0) return null;
            if (Guid.TryParse(text, out var id)) return id;
            check.Add(name, "must be an id");
            return null;
        }
        var from = Date("from");
        var to = Date("to");
        if (from > to) check.Add("to", "must not be before from");
        var region = check.Text("region", q["region"].Count == 0 ? null : q["region"].ToString(), 100, required: false);
        var status = statuses is null ? null : check.OneOf("status", q["status"].Count == 0 ? null : q["status"].ToString(), statuses, required: false);
        var partner = Id("partnerId");
        var distributor = Id("distributorId");
        if (check.Failed) return null;
        var caller = Caller.From(user);
        return new ReportQuery(from, to, region, partner, distributor, status, caller.SeesEverything,
            caller.Role == Roles.Partner ? caller.PartnerId : null,
            caller.Role == Roles.Distributor ? caller.DistributorId : null);
    }
}

/// <summary>One row of a report sliced by one dimension.</summary>
public sealed class Slice
{
    public string Key { get; set; } = "";
    public string? Label { get; set; }
    public long Deals { get; set; }
    public decimal Value { get; set; }
    public long Won { get; set; }
    public decimal WonValue { get; set; }
    public long Lost { get; set; }
}

/// <summary>
/// Report exports as CSV (RFC 4180: quoted where needed, CRLF line ends), written by CsvHelper with
/// its formula-injection escaping on: a cell that starts with =, +, -, @, a tab or a carriage return
/// (a partner named "-2+3+HYPERLINK(…)") is written with a leading apostrophe, so a spreadsheet shows
/// it as text instead of running it. A plain number (-100.50, a return) stays a number.
/// </summary>
public static partial class Csv
{
    static readonly CsvConfiguration config = new(CultureInfo.InvariantCulture)
    {
        InjectionOptions = InjectionOptions.Escape,
        NewLine = "\r\n",
    };

    /// <summary>A CSV file of the rows, a column per public property (snake_case headers).</summary>
    public static IResult File<T>(IEnumerable<T> rows, string name)
    {
        var props = typeof(T).GetProperties();
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new Writer(text, config))
        {
            foreach (var p in props) csv.WriteField(ToSnake(p.Name));
            csv.NextRecord();
            foreach (var row in rows)
            {
                foreach (var p in props) csv.WriteField(Format(p.GetValue(row)));
                csv.NextRecord();
            }
        }
        return Results.File(Encoding.UTF8.GetBytes(text.ToString()), "text/csv; charset=utf-8", name);
    }

    static string Format(object? value) => value switch
    {
        null => "",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    sealed class Writer(TextWriter text, CsvConfiguration config) : CsvWriter(text, config)
    {
        protected override string? SanitizeForInjection(string? field) =>
            field is not null && PlainNumber().IsMatch(field) ? field : base.SanitizeForInjection(field);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^-?[0-9]+(\.[0-9]+)?$")]
    private static partial System.Text.RegularExpressions.Regex PlainNumber();

    static string ToSnake(string name) => string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
