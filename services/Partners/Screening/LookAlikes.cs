using System.Globalization;
using System.Text;

namespace Channel.Partners.Screening;

/// <summary>
/// What a domain looks like to a reader: "раypal.example" written with Cyrillic letters (sent as
/// punycode, xn--…), "paypa1.example" with a digit one, "pàypal.example" with an accent all look
/// like "paypal.example". Two domains with the same skeleton are one domain to the eye; an
/// applicant whose domain or normalised name looks like an existing partner's goes to review.
/// </summary>
public static class LookAlikes
{
    // Letters from other scripts (and digits) that render like a Latin letter.
    static readonly Dictionary<char, char> confusables = new()
    {
        ['а'] = 'a',
        ['е'] = 'e',
        ['о'] = 'o',
        ['р'] = 'p',
        ['с'] = 'c',
        ['у'] = 'y',
        ['х'] = 'x',
        ['і'] = 'i',
        ['ј'] = 'j',
        ['ѕ'] = 's',
        ['ԁ'] = 'd',
        ['ӏ'] = 'l',
        ['һ'] = 'h',
        ['ԛ'] = 'q',
        ['ԝ'] = 'w',
        ['к'] = 'k',
        ['м'] = 'm',
        ['т'] = 't',
        ['в'] = 'b',
        ['н'] = 'h',
        ['α'] = 'a',
        ['ο'] = 'o',
        ['ρ'] = 'p',
        ['ν'] = 'v',
        ['ι'] = 'i',
        ['κ'] = 'k',
        ['τ'] = 't',
        ['υ'] = 'u',
        ['χ'] = 'x',
        ['ε'] = 'e',
        ['ɡ'] = 'g',
        ['ı'] = 'i',
        ['ȷ'] = 'j',
        ['ℓ'] = 'l',
        ['0'] = 'o',
        ['1'] = 'l',
    };

    static readonly IdnMapping idn = new();

    /// <summary>The domain as it reads: its labels decoded from punycode, accents dropped, look-alike letters made Latin, lower case.</summary>
    public static string Skeleton(string domain)
    {
        string unicode;
        try { unicode = idn.GetUnicode(domain.Trim().TrimEnd('.').ToLowerInvariant()); }
        catch (ArgumentException) { unicode = domain.ToLowerInvariant(); }
        var sb = new StringBuilder(unicode.Length);
        foreach (var c in unicode.Normalize(NormalizationForm.FormKD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark) continue;
            var lower = char.ToLowerInvariant(c);
            sb.Append(confusables.TryGetValue(lower, out var latin) ? latin : lower);
        }
        return sb.ToString();
    }
}
