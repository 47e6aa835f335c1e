using Channel.Compliance.Screening;

namespace Channel.Compliance.Tests;

/// <summary>
/// Fuzzy matching on hand-made pairs: names a screener must catch (legal forms, accents, punctuation, misspellings,
/// words reordered, a listed name inside a longer one, a subdomain) and names it must let pass (a shared word, a
/// shared brand-like word, a short name, a domain that only ends alike).
/// </summary>
[Trait("Category", "Rules")]
public sealed class MatchingNames
{
    // Built afresh for each test: one built once in a static field would be built under whichever mutant ran first.
    static ScreeningList list => new(1, [
        new ListEntry { EntryKey = "a", Name = "Oceanic Shadow Trading LLC", AltNames = ["OST Middle East"], Domains = ["oceanic-shadow.example"], SourceList = "EL" },
        new ListEntry { EntryKey = "b", Name = "Crimson Peak Telecom Holdings Ltd.", AltNames = ["Crimson Peak Telecom"], SourceList = "SDN" },
        new ListEntry { EntryKey = "c", Name = "Kumgang Network Services Corporation", SourceList = "SDN" },
        new ListEntry { EntryKey = "d", Name = "Northern Lights Defense Electronics Institute", AltNames = ["NLDEI"], SourceList = "MEU" },
        new ListEntry { EntryKey = "e", Name = "Valdoria Secure Communications S.A.", SourceList = "EL" },
        new ListEntry { EntryKey = "f", Name = "ACME", SourceList = "EL" },
    ], threshold: 88);

    [Theory]
    [InlineData("Oceanic Shadow Trading L.L.C.", "a", "name")]
    [InlineData("OCEANIC SHADOW TRADING", "a", "name")]
    [InlineData("O.S.T. Middle East", "a", "alt_name")]
    [InlineData("Crimson Peak Telecom Holdings USA Inc", "b", "name")]
    [InlineData("Crimsen Peak Telecom Holdings", "b", "name")]
    [InlineData("Telecom Crimson Peak", "b", "alt_name")]
    [InlineData("Kumgang Network Services Corp.", "c", "name")]
    [InlineData("Kumgang Netwrok Services", "c", "name")]
    [InlineData("Valdória Secure Communications SA", "e", "name")]
    [InlineData("NLDEI", "d", "alt_name")]
    [InlineData("Acme, Inc.", "f", "name")]
    public void A_listed_party_is_caught_however_its_name_is_written(string screened, string entry, string field)
    {
        var hits = list.Match([screened], null);

        Assert.Contains(hits, h => h.EntryKey == entry && h.Field == field && h.Score >= 88);
    }

    [Theory]
    [InlineData("Oceanic Airlines")]
    [InlineData("Peak Telecom Services")]
    [InlineData("Crimson Ridge Outfitters")]
    [InlineData("Northern Lights Brewing Company")]
    [InlineData("Summit Network Services")]
    [InlineData("Valdosta State University")]
    [InlineData("ACE Hardware")]
    [InlineData("Acmeville Public Schools")]
    public void A_name_that_only_shares_words_with_a_listed_one_passes(string screened)
    {
        Assert.Empty(list.Match([screened], null));
    }

    [Theory]
    [InlineData("oceanic-shadow.example", true)]
    [InlineData("mail.oceanic-shadow.example", true)]
    [InlineData("https://www.oceanic-shadow.example/contact", true)]
    [InlineData("notoceanic-shadow.example", false)]
    [InlineData("oceanic-shadow.example.com", false)]
    public void A_domain_is_caught_with_its_subdomains_and_nothing_that_only_ends_alike(string domain, bool caught)
    {
        var hits = list.Match(["Harbour Logistics"], domain);

        Assert.Equal(caught, hits.Any(h => h.EntryKey == "a" && h.Field == "domain" && h.Score == 100));
    }

    [Fact]
    public void Every_hit_names_the_entry_the_field_and_the_score()
    {
        var hit = Assert.Single(list.Match(["Crimson Peak Telecom Holdings Limited"], null), h => h.Field == "name");

        Assert.Equal(("b", "SDN", "Crimson Peak Telecom Holdings Ltd.", 100), (hit.EntryKey, hit.SourceList, hit.Listed, hit.Score));
        Assert.Equal("list:b:name:Crimson Peak Telecom Holdings Ltd.", hit.Evidence);
    }
}
