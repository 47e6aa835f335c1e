using System.Globalization;
using System.Text;

namespace Channel.Partners.Screening;

/// <summary>
/// How applicants are compared with the restricted-party list (until the Compliance service screens
/// everyone with one engine). Normalises organisation names: case, accents, punctuation and legal-form suffixes
/// (Inc, LLC, Ltd, GmbH, S.A., Corp, Co., …) do not make two names different.
/// "Acme, Inc." and "ACME Incorporated" both become "acme".
/// </summary>
public static class OrganisationNames
{
    // Legal forms, written as their letters only (so "S.A." is "sa", "S.p.A." is "spa").
    static readonly HashSet<string> legalForms =
    [
        "inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "corp", "corporation", "co", "company",
        "plc", "gmbh", "ag", "kg", "ohg", "ug", "sa", "sas", "sarl", "sl", "sau", "spa", "srl", "bv", "nv", "oy",
        "ab", "as", "asa", "aps", "pty", "pte", "kk", "sdn", "bhd", "kft", "zrt", "sro", "spzoo", "doo", "ltda",
        "cv", "sacv", "pvt", "private", "holdings", "group",
    ];

    /// <summary>The normalised form of a name: lower case, no accents or punctuation, no legal-form words.</summary>
    public static string Normalize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "";
        var words = Words(name);
        // Drop legal forms from the end ("Acme Holdings Co Ltd" → "acme"), but never the whole name.
        var end = words.Count;
        while (end > 1 && legalForms.Contains(words[end - 1])) end--;
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
            else if (c is '.' or '\'' or '’') continue; // "S.A." → "sa", "O'Brien" → "obrien"
            else if (c == '&') sb.Append(" and ");
            else sb.Append(' ');
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
