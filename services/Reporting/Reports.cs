using System.Globalization;
using System.Security.Claims;
using System.Text;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;

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

public static class Csv
{
    /// <summary>A CSV file of the rows (RFC 4180: quoted where needed, CRLF line ends).</summary>
    public static IResult File<T>(IEnumerable<T> rows, string name)
    {
        var props = typeof(T).GetProperties();
        var sb = new StringBuilder();
        sb.Append(string.Join(',', props.Select(p => Quote(ToSnake(p.Name))))).Append("\r\n");
        foreach (var row in rows)
            sb.Append(string.Join(',', props.Select(p => Quote(Format(p.GetValue(row)))))).Append("\r\n");
        return Results.File(Encoding.UTF8.GetBytes(sb.ToString()), "text/csv; charset=utf-8", name);
    }

    static string Format(object? value) => value switch
    {
        null => "",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    static string Quote(string text)
    {
        // A leading =, +, - or @ would be a formula in a spreadsheet: keep it text.
        if (text.Length > 0 && text[0] is '=' or '+' or '@' && !decimal.TryParse(text, out _)) text = "'" + text;
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
    }

    static string ToSnake(string name) => string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
