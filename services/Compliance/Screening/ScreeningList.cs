namespace Channel.Compliance.Screening;

/// <summary>One entry of a screening list as one list version holds it.</summary>
public sealed record ListEntry
{
    public string EntryKey { get; init; } = "";
    public string Origin { get; init; } = "";
    public string Name { get; init; } = "";
    public string[] AltNames { get; init; } = [];
    public string[] Domains { get; init; } = [];
    public string[] Addresses { get; init; } = [];
    public string[] Countries { get; init; } = [];
    public string SourceList { get; init; } = "";
    public string[] Programs { get; init; } = [];
    public DateOnly? StartDate { get; init; }
    public DateOnly? EndDate { get; init; }
    public string? Remarks { get; init; }
}

/// <summary>
/// A match of a screened subject against a list entry: which entry, on which of its fields, the listed and the
/// screened text, and the score. <see cref="Evidence"/> names it for an officer's clearance: a clearance holds for
/// that listed text only, so a new alternate name on the same entry is new evidence.
/// </summary>
public sealed record ListHit(string EntryKey, string EntryName, string SourceList, string[] Programs, string Field, string Listed, string Screened, int Score)
{
    public string Evidence => $"list:{EntryKey}:{Field}:{Listed}";
}

/// <summary>
/// One version of the screening lists, ready to match against: every listed name and alternate name normalised and
/// indexed by the first and last three letters of each word, so a subject is scored only against the names that
/// share one (a misspelt word keeps its start or its end), and every listed domain.
/// </summary>
public sealed class ScreeningList
{
    sealed record Name(ListEntry Entry, string Field, string Listed, string Normalized);

    readonly Dictionary<string, List<Name>> byAffix = new(StringComparer.Ordinal);
    readonly List<(ListEntry Entry, string Domain)> domains = [];

    public int Version { get; }
    public int Threshold { get; }
    public int Count { get; }

    public ScreeningList(int version, IReadOnlyList<ListEntry> entries, int threshold)
    {
        Version = version;
        Threshold = threshold;
        Count = entries.Count;
        foreach (var entry in entries)
        {
            Add(new Name(entry, "name", entry.Name, Names.Normalize(entry.Name)));
            foreach (var alt in entry.AltNames) Add(new Name(entry, "alt_name", alt, Names.Normalize(alt)));
            foreach (var domain in entry.Domains) domains.Add((entry, domain));
        }
    }

    void Add(Name name)
    {
        foreach (var affix in Affixes(name.Normalized))
        {
            if (!byAffix.TryGetValue(affix, out var list)) byAffix[affix] = list = [];
            if (list.Count == 0 || !ReferenceEquals(list[^1], name)) list.Add(name);
        }
    }

    static IEnumerable<string> Affixes(string normalized)
    {
        // A name that reads as nothing ("—") has no words, so it is neither indexed nor looked up.
        foreach (var word in normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return "^" + word[..Math.Min(3, word.Length)];
            yield return "$" + word[Math.Max(0, word.Length - 3)..];
        }
    }

    /// <summary>Every entry the names and domain match at or above the threshold, the best hit of each entry and field.</summary>
    public IReadOnlyList<ListHit> Match(IEnumerable<string> names, string? domain)
    {
        var hits = new Dictionary<(string, string), ListHit>();
        void Keep(ListHit hit)
        {
            var key = (hit.EntryKey, hit.Field);
            if (!hits.TryGetValue(key, out var best) || best.Score < hit.Score) hits[key] = hit;
        }
        foreach (var screened in names.Where(n => !string.IsNullOrWhiteSpace(n)).Distinct())
        {
            var normalized = Names.Normalize(screened);
            var candidates = new HashSet<Name>(ReferenceEqualityComparer.Instance);
            foreach (var affix in Affixes(normalized))
                if (byAffix.TryGetValue(affix, out var list)) candidates.UnionWith(list);
            foreach (var c in candidates)
            {
                var score = Names.Score(normalized, c.Normalized);
                if (score >= Threshold)
                    Keep(new ListHit(c.Entry.EntryKey, c.Entry.Name, c.Entry.SourceList, c.Entry.Programs, c.Field, c.Listed, screened, score));
            }
        }
        if (Names.DomainOf(domain) is { } screenedDomain)
            foreach (var (entry, listed) in domains)
                if (Names.UnderDomain(screenedDomain, listed))
                    Keep(new ListHit(entry.EntryKey, entry.Name, entry.SourceList, entry.Programs, "domain", listed, screenedDomain, 100));
        return [.. hits.Values.OrderByDescending(h => h.Score).ThenBy(h => h.EntryKey, StringComparer.Ordinal).ThenBy(h => h.Field, StringComparer.Ordinal)];
    }
}
