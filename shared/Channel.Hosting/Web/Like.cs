namespace Channel.Hosting.Web;

/// <summary>Text search with SQL <c>ilike</c>: what the caller typed matches as text, its <c>%</c> and <c>_</c> included.</summary>
public static class Like
{
    /// <summary>The pattern for values containing the text (null for no text), with the text's wildcards escaped.</summary>
    public static string? Containing(string? text) =>
        text is null ? null : $"%{text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_")}%";
}
