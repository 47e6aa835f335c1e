using System.Globalization;
using System.Text;

namespace Channel.Compliance.Screening;

/// <summary>
/// How screening reads a name: lower case, accents folded, punctuation gone ("S.A." is "sa"), "&amp;" as "and", and
/// the legal forms at the end dropped (Inc, LLC, Co., Ltd, GmbH, …), so "Acme, Inc." and "ACME Incorporated" are both
/// "acme". A name that is only a legal form keeps it.
/// </summary>
public static class Names
{
    // Legal forms, written as their letters only (so "S.A." is "sa", "Sp. z o.o." is "spzoo"). Not "holdings" or "group":
    // on a screening list those name a different party than the company itself.
    static readonly HashSet<string> legalForms =
    [
        "inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "corp", "corporation", "co", "company",
        "plc", "gmbh", "ag", "kg", "ohg", "ug", "sa", "sas", "sarl", "sl", "sau", "spa", "srl", "bv", "nv", "oy",
        "ab", "as", "asa", "aps", "pty", "pte", "kk", "sdn", "bhd", "kft", "zrt", "sro", "spzoo", "doo", "ltda",
        "cv", "sacv", "sadecv", "sderl", "pvt", "jsc", "pjsc", "ojsc", "ooo", "oao", "zao",
    ];

    /// <summary>
    /// How many of the words before <paramref name="end"/> spell a legal form, the longest first and never all of them: one
    /// ("Ltd"), or several written apart ("S. de R.L." is "s de rl", "Sp. z o.o." is "sp z oo", "S.A. de C.V." is "sa de cv");
    /// 0 for none.
    /// </summary>
    static int LegalFormAtEnd(IReadOnlyList<string> words, int end) =>
        Enumerable.Range(1, Math.Clamp(end - 1, 0, 3)).Reverse().FirstOrDefault(n => legalForms.Contains(string.Concat(words.Skip(end - n).Take(n))));

    public static string Normalize(string? name) => string.Join(' ', Tokens(name));

    /// <summary>The name's words after normalising, legal forms at the end dropped.</summary>
    public static IReadOnlyList<string> Tokens(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return [];
        var decomposed = name.Normalize(NormalizationForm.FormKD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark) continue;
            if (char.IsLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
            else if (c == '&') sb.Append(" and ");
            else if (c is not ('.' or '\'' or '’')) sb.Append(' '); // "S.A." → "sa", "O'Brien" → "obrien"
        }
        var words = sb.ToString().Replace("ß", "ss").Replace("æ", "ae").Replace("ø", "o").Replace("ł", "l")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var end = words.Count;
        for (var form = LegalFormAtEnd(words, end); form > 0; form = LegalFormAtEnd(words, end)) end -= form;
        return words[..end];
    }

    /// <summary>
    /// How alike a screened name is to a listed one, 0 to 100: 100 when they normalise to the same words; 95 when the
    /// listed name's words (two or more, or one of six letters or more) appear whole and in order inside the screened
    /// one ("Huawei Technologies USA" holds "Huawei Technologies"); otherwise the better of FuzzySharp's plain and
    /// token-sort ratios (a misspelling, words in another order). Names of under four letters match only exactly.
    /// </summary>
    public static int Score(string screened, string listed)
    {
        if (screened == listed) return screened.Length == 0 ? 0 : 100;
        if (screened.Length < 4 || listed.Length < 4) return 0;
        var wholeWords = listed.Contains(' ') || listed.Length >= 6;
        if (wholeWords && $" {screened} ".Contains($" {listed} ", StringComparison.Ordinal)) return 95;
        return Math.Max(FuzzySharp.Fuzz.Ratio(screened, listed), FuzzySharp.Fuzz.TokenSortRatio(screened, listed));
    }

    /// <summary>A domain and its subdomains: "mail.huawei.com" is under "huawei.com".</summary>
    public static bool UnderDomain(string screened, string listed) =>
        screened == listed || screened.EndsWith("." + listed, StringComparison.Ordinal);

    /// <summary>The host of a web address or a bare domain, lower case, without "www.".</summary>
    public static string? DomainOf(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = text.Trim().ToLowerInvariant();
        if (!t.Contains("://", StringComparison.Ordinal)) t = "http://" + t;
        if (!Uri.TryCreate(t, UriKind.Absolute, out var uri) || !uri.Host.Contains('.')) return null;
        var host = uri.Host.TrimEnd('.');
        return host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : host;
    }
}
