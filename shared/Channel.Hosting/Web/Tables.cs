using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;

namespace Channel.Hosting.Web;

/// <summary>
/// A table a client uploads (a price list, a claim): CSV with a header row, or JSON — an array of row objects, or an
/// object whose scalar fields apply to every row and whose <c>rows</c>-named array holds them. Column names match
/// whatever their case or separators (<c>list_price</c>, <c>listPrice</c>, <c>List-Price</c>). The body is read whole
/// (these uploads are at most a few MB) and hashed, so a re-sent upload can be told from another.
/// </summary>
public sealed class Table
{
    public required IReadOnlyList<Row> Rows { get; init; }
    /// <summary>JSON's top-level scalar fields (a CSV has none).</summary>
    public required IReadOnlyDictionary<string, string?> Header { get; init; }
    public required byte[] Hash { get; init; }

    public sealed record Row(int Number, IReadOnlyDictionary<string, string?> Values)
    {
        public string? this[string column] => Values.GetValueOrDefault(Key(column));
    }

    public static string Key(string name) => new([.. name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);

    /// <summary>Reads the body as CSV or JSON; a body that cannot be read adds to <paramref name="check"/> and gives null.</summary>
    public static async Task<Table?> Read(HttpRequest http, string rowsField, int maxRows, Check check, CancellationToken ct)
    {
        var media = http.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (media is not ("text/csv" or "application/json"))
        {
            check.Add("body", "must be text/csv or application/json");
            return null;
        }
        using var buffer = new MemoryStream();
        await http.Body.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        var hash = SHA256.HashData(bytes);
        try
        {
            var (header, rows) = media == "text/csv" ? ReadCsv(bytes) : ReadJson(bytes, rowsField);
            if (rows.Count == 0) check.Add(rowsField, "at least one row is required");
            else if (rows.Count > maxRows) check.Add(rowsField, $"at most {maxRows} rows in one upload");
            return check.Failed ? null : new Table { Rows = rows, Header = header, Hash = hash };
        }
        catch (Exception e) when (e is JsonException or CsvHelperException or BadTable or DecoderFallbackException)
        {
            check.Add("body", e is BadTable ? e.Message : $"cannot be read as {media}: {e.Message.Split('.')[0]}");
            return null;
        }
    }

    sealed class BadTable(string message) : Exception(message);

    static (Dictionary<string, string?>, List<Row>) ReadCsv(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null, IgnoreBlankLines = true, MissingFieldFound = null };
        using var csv = new CsvParser(reader, config);
        if (!csv.Read()) throw new BadTable("the file is empty: a header row is expected");
        var header = csv.Record!.Select(h => Key(h)).ToArray();
        var duplicate = header.Where(h => h.Length > 0).GroupBy(h => h).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new BadTable($"the column {duplicate.Key} appears twice");
        var rows = new List<Row>();
        while (csv.Read())
        {
            var record = csv.Record!;
            if (record.All(string.IsNullOrWhiteSpace)) continue;
            var values = new Dictionary<string, string?>();
            for (var i = 0; i < header.Length; i++)
                if (header[i].Length > 0) values[header[i]] = i < record.Length && record[i].Length > 0 ? record[i] : null;
            rows.Add(new Row(rows.Count + 1, values));
        }
        return ([], rows);
    }

    static (Dictionary<string, string?>, List<Row>) ReadJson(byte[] bytes, string rowsField)
    {
        using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
        var header = new Dictionary<string, string?>();
        JsonElement array;
        if (doc.RootElement.ValueKind == JsonValueKind.Array) array = doc.RootElement;
        else if (doc.RootElement.ValueKind == JsonValueKind.Object)
        {
            array = default;
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (Key(p.Name) == Key(rowsField)) array = p.Value;
                else if (p.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)) header[Key(p.Name)] = Scalar(p.Value);
            }
            if (array.ValueKind != JsonValueKind.Array) throw new BadTable($"the JSON object has no {rowsField} array");
        }
        else throw new BadTable($"the JSON must be an array of rows or an object with a {rowsField} array");
        var rows = new List<Row>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) throw new BadTable($"{rowsField}[{rows.Count}] must be an object");
            var values = new Dictionary<string, string?>(header);
            foreach (var p in item.EnumerateObject()) values[Key(p.Name)] = Scalar(p.Value);
            rows.Add(new Row(rows.Count + 1, values));
        }
        return (header, rows);
    }

    /// <summary>A JSON string as text; one that is not valid Unicode (a lone surrogate) is refused.</summary>
    static string? Text(JsonElement value)
    {
        try { return value.GetString(); }
        catch (InvalidOperationException) { throw new BadTable("a text field is not valid Unicode"); }
    }

    static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Text(value),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };
}

/// <summary>Reads the typed fields of one uploaded row, naming a bad one as <c>rows[N].field</c> (N counted from 0, as a JSON array's index).</summary>
public sealed class Cells(Check check, Table.Row row, string rowsField)
{
    string At(string field) => $"{rowsField}[{row.Number - 1}].{field}";

    public string? Text(string field, int max = 200, bool required = true) => check.Text(At(field), row[field], max, required);

    public decimal? Decimal(string field, decimal min, decimal max)
    {
        var text = row[field];
        if (text is null) { check.Add(At(field), "is required"); return null; }
        if (!decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value)) { check.Add(At(field), "must be a number"); return null; }
        return check.Range(At(field), value, min, max);
    }

    public DateOnly? Date(string field)
    {
        var text = row[field];
        if (text is null) { check.Add(At(field), "is required (YYYY-MM-DD)"); return null; }
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            check.Add(At(field), "must be a date (YYYY-MM-DD)");
            return null;
        }
        return value;
    }

    public Guid? Id(string field)
    {
        var text = row[field];
        if (text is null) { check.Add(At(field), "is required"); return null; }
        if (!Guid.TryParse(text, out var value)) { check.Add(At(field), "must be an id (UUID)"); return null; }
        return value;
    }

    public string? Currency(string field) => check.Currency(At(field), row[field]);

    public void Add(string field, string message) => check.Add(At(field), message);
}
