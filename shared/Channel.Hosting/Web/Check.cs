using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Channel.Hosting.Web;

/// <summary>
/// Collects every problem with a request, field by field, so the caller learns about all of them
/// at once in one RFC 9457 problem document. Strings are kept as given; only their shape is checked.
/// </summary>
public sealed partial class Check
{
    readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool Failed => errors.Count > 0;

    /// <summary>Every problem found, field by field, in the order found.</summary>
    public IEnumerable<(string Field, string Message)> Errors => errors.SelectMany(e => e.Value.Select(m => (e.Key, m)));

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
        list.Add(message);
    }

    public ValidationProblem Problem(string title = "The request has invalid fields.") =>
        TypedResults.ValidationProblem(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()), title: title);

    /// <summary>A single-line text: not blank, at most <paramref name="max"/> characters, no control characters.</summary>
    public string? Text(string field, string? value, int max = 200, bool required = true) =>
        TextCore(field, value, max, required, multiline: false);

    /// <summary>Free text that may span lines (notes, reasons): tabs and line breaks allowed, other control characters not.</summary>
    public string? Note(string field, string? value, int max = 4000, bool required = true) =>
        TextCore(field, value, max, required, multiline: true);

    string? TextCore(string field, string? value, int max, bool required, bool multiline)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) Add(field, value is null ? "is required" : "must not be blank");
            return null;
        }
        if (value.Length > max) { Add(field, $"must be at most {max} characters (it has {value.Length})"); return null; }
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
            var allowed = multiline && c is '\n' or '\r' or '\t';
            if ((char.IsControl(c) && !allowed) || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
            {
                Add(field, "must not contain control characters or broken Unicode");
                return null;
            }
        }
        return value;
    }

    public string? OneOf(string field, string? value, IReadOnlyCollection<string> allowed, bool required = true)
    {
        if (value is null)
        {
            if (required) Add(field, $"is required (one of: {string.Join(", ", allowed)})");
            return null;
        }
        if (!allowed.Contains(value)) { Add(field, $"must be one of: {string.Join(", ", allowed)}"); return null; }
        return value;
    }

    /// <summary>A DNS domain such as <c>example.com</c>; returned in lower case.</summary>
    public string? Domain(string field, string? value, bool required = true)
    {
        var text = Text(field, value, 253, required);
        if (text is null) return null;
        var lower = text.ToLowerInvariant();
        if (!DomainPattern().IsMatch(lower)) { Add(field, "must be a domain name such as example.com"); return null; }
        return lower;
    }

    /// <summary>An e-mail address; returned with its domain in lower case.</summary>
    public string? Email(string field, string? value, bool required = true)
    {
        var text = Text(field, value, 254, required);
        if (text is null) return null;
        var at = text.LastIndexOf('@');
        if (at <= 0 || !LocalPartPattern().IsMatch(text[..at]) || !DomainPattern().IsMatch(text[(at + 1)..].ToLowerInvariant()))
        {
            Add(field, "must be an e-mail address such as name@example.com");
            return null;
        }
        return text[..at] + "@" + text[(at + 1)..].ToLowerInvariant();
    }

    /// <summary>An ISO 3166-1 alpha-2 country code; returned in upper case.</summary>
    public string? Country(string field, string? value, bool required = true)
    {
        var text = Text(field, value, 2, required);
        if (text is null) return null;
        var upper = text.ToUpperInvariant();
        if (!Countries.IsKnown(upper)) { Add(field, "must be an ISO 3166-1 alpha-2 country code such as US"); return null; }
        return upper;
    }

    /// <summary>An ISO 4217 currency code; returned in upper case.</summary>
    public string? Currency(string field, string? value, bool required = true)
    {
        var text = Text(field, value, 3, required);
        if (text is null) return null;
        var upper = text.ToUpperInvariant();
        if (!Currencies.IsKnown(upper)) { Add(field, "must be an ISO 4217 currency code such as USD"); return null; }
        return upper;
    }

    public T? Range<T>(string field, T? value, T min, T max, bool required = true) where T : struct, IComparable<T>
    {
        if (value is null) { if (required) Add(field, "is required"); return null; }
        if (value.Value.CompareTo(min) < 0 || value.Value.CompareTo(max) > 0) { Add(field, $"must be between {min} and {max}"); return null; }
        return value;
    }

    [GeneratedRegex(@"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")]
    private static partial Regex DomainPattern();

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$")]
    private static partial Regex LocalPartPattern();
}
