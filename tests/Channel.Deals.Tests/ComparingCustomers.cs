using Channel.Deals.Rules;
using Channel.Hosting.Web;

namespace Channel.Deals.Tests;

public sealed class ComparingCustomers
{
    [Theory]
    [InlineData("Acme, Inc.", "acme")]
    [InlineData("ACME INC", "acme")]
    [InlineData("Acme Incorporated", "acme")]
    [InlineData("Acme LLC", "acme")]
    [InlineData("Acme, L.L.C.", "acme")]
    [InlineData("Acme Ltd", "acme")]
    [InlineData("Acme Limited", "acme")]
    [InlineData("Acme GmbH", "acme")]
    [InlineData("Acme S.A.", "acme")]
    [InlineData("Acme Corp.", "acme")]
    [InlineData("Acme Corporation", "acme")]
    [InlineData("Acme Co.", "acme")]
    [InlineData("Acme Holdings Co., Ltd.", "acme")]
    [InlineData("Société Générale S.A.", "societe generale")]
    [InlineData("Müller Elektronik GmbH", "muller elektronik")]
    [InlineData("  Smith & Sons   Ltd ", "smith and sons")]
    [InlineData("O'Brien Networks", "obrien networks")]
    [InlineData("Acme Company", "acme")]
    [InlineData("Co", "co")]
    [InlineData("Inc Networks Inc", "inc networks")]
    [InlineData("Ａｃｍｅ Ｉｎｃ", "acme")]
    [InlineData("", "")]
    public void Case_accents_punctuation_and_legal_forms_do_not_count(string name, string expected) =>
        Assert.Equal(expected, CustomerNames.Normalize(name));

    [Theory]
    [InlineData("Huawei Technologies USA Inc", "Huawei Technologies Co., Ltd.", true)]
    [InlineData("Acme", "Acme Inc", true)]
    [InlineData("Acmecorp", "Acme", false)]
    [InlineData("Big Acme Widgets", "Acme", true)]
    [InlineData("Acme Widgets", "Acme Tools", false)]
    public void A_listed_name_matches_when_its_words_appear_whole(string candidate, string listed, bool matches) =>
        Assert.Equal(matches, CustomerNames.Contains(CustomerNames.Normalize(candidate), CustomerNames.Normalize(listed)));

    [Theory]
    [InlineData("eu.acme.example", "acme.example", true)]
    [InlineData("acme.example", "acme.example", true)]
    [InlineData("notacme.example", "acme.example", false)]
    public void A_domain_matches_itself_and_its_subdomains(string domain, string parent, bool matches) =>
        Assert.Equal(matches, Domains.IsSameOrSubdomain(domain, parent));
}
