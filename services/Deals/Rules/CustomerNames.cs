using System.Globalization;
using System.Text;

namespace Channel.Deals.Rules;

/// <summary>
/// How the Deals service compares end customers (for conflicts between registrations, restricted
/// customers and sell-through matching). Normalises organisation names: case, accents, punctuation and legal-form suffixes
/// (Inc, LLC, Ltd, GmbH, S.A., Corp, Co., …) do not make two names different.
/// "Acme, Inc." and "ACME Incorporated" both become "acme".
/// </summary>
public static class CustomerNames
{
    // Legal forms, written as their letters only (so "S.A." is "sa", "S.p.A." is "spa").
    static readonly HashSet<string> legalForms =
    [
        "inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "corp", "corporation", "co", "company",
        "plc", "gmbh", "ag", "kg", "ohg", "ug", "sa", "sas", "sarl", "sl", "sau", "spa", "srl", "bv", "nv", "oy",
        "ab", "as", "asa", "aps", "pty", "pte", "kk", "sdn", "bhd", "kft", "zrt", "sro", "spzoo", "doo", "ltda",
        "cv", "sacv", "sadecv", "sderl", "pvt", "jsc", "pjsc", "ojsc", "ooo", "oao", "zao", "private", "holdings", "group",
    ];

    /// <summary>
    /// How many of the words before <paramref name="end"/> spell a legal form, the longest first and never all of them: one
    /// ("Ltd"), or several written apart ("S. de R.L." is "s de rl", "Sp. z o.o." is "sp z oo", "S.A. de C.V." is "sa de cv");
    /// 0 for none.
    /// </summary>
    static int LegalFormAtEnd(IReadOnlyList<string> words, int end) =>
        Enumerable.Range(1, Math.Clamp(end - 1, 0, 3)).Reverse().FirstOrDefault(n => legalForms.Contains(string.Concat(words.Skip(end - n).Take(n))));

    /// <summary>The normalised form of a name: lower case, no accents or punctuation, no legal-form words.</summary>
    public static string Normalize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "";
        var words = Words(name);
        // Drop legal forms from the end ("Acme Holdings Co Ltd" → "acme"), but never the whole name.
        var end = words.Count;
        for (var form = LegalFormAtEnd(words, end); form > 0; form = LegalFormAtEnd(words, end)) end -= form;
        return string.Join(' ', words.Take(end));
    }

    /// <summary>Lower-case words of letters and digits, accents removed, "S.A." joined into "sa".</summary>
    public static List<string> Words(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormKD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
                continue;
            if (char.IsLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
            else if (c == '&') sb.Append(" and ");
            else if (c is not ('.' or '\'' or '’')) sb.Append(' '); // "S.A." → "sa", "O'Brien" → "obrien"
        }
        var folded = sb.ToString().Replace("ß", "ss").Replace("æ", "ae").Replace("ø", "o").Replace("đ", "d").Replace("ł", "l");
        return [.. folded.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>
    /// True when the restricted name's words appear, in order and whole, inside the candidate's
    /// normalised words: "Huawei Technologies USA Inc" is caught by "Huawei Technologies Co., Ltd.".
    /// </summary>
    public static bool Contains(string normalizedCandidate, string normalizedRestricted)
    {
        if (normalizedRestricted.Length == 0) return false;
        if (normalizedCandidate == normalizedRestricted) return true;
        return $" {normalizedCandidate} ".Contains($" {normalizedRestricted} ", StringComparison.Ordinal);
    }
}
