namespace Channel.Hosting.Web;

/// <summary>
/// What a list may be sorted by (a key the API takes → the SQL expression it sorts on) and the order by clause for a checked
/// sort and direction; the id breaks ties, so pages never overlap. Without a direction, <paramref name="byDefaultDirection"/> (descending unless given).
/// </summary>
public sealed class ListSort(string byDefault, IReadOnlyDictionary<string, string> columns, string byDefaultDirection = "desc")
{
    public IReadOnlyCollection<string> Keys => [.. columns.Keys];

    /// <summary>Adds the sort's and the direction's errors to the check.</summary>
    public void Check(Check check, string? sort, string? direction)
    {
        check.OneOf("sort", sort, [.. columns.Keys], required: false);
        check.OneOf("direction", direction, ["asc", "desc"], required: false);
    }

    /// <summary>The order by clause (for a sort and direction <see cref="Check"/> has passed); <paramref name="id"/> breaks ties.</summary>
    public string OrderBy(string? sort, string? direction, string id = "id")
    {
        var dir = (direction ?? byDefaultDirection) == "asc" ? "asc" : "desc";
        return $"order by {columns[sort ?? byDefault]} {dir} nulls last, {id} {dir}";
    }
}
