using Channel.Deals.Rules;
using Channel.Hosting.Web;
using Channel.Testing;

namespace Channel.Deals.Tests;

[Trait("Category", "Rules")]
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
    [InlineData("— & —", "and")]
    [InlineData("—", "")]
    [InlineData("   ", "")]
    [InlineData("O’Brien Straße", "obrien strasse")]
    [InlineData("Ærø Łódź Đorđević", "aero lodz dordevic")]
    [InlineData("राम Networks", "रम networks")]
    [InlineData("A\u20DDB Ltd", "ab")]
    [InlineData("Acme/Widgets-Ltd", "acme widgets")]
    public void Case_accents_punctuation_and_legal_forms_do_not_count(string name, string expected) =>
        Assert.Equal(expected, CustomerNames.Normalize(name));

    public static TheoryData<string> LegalForms => WrittenLegalForms.Of(WrittenLegalForms.Everywhere, WrittenLegalForms.ChannelOnly);

    [Theory]
    [MemberData(nameof(LegalForms))]
    public void Every_legal_form_is_dropped_as_it_is_written(string form)
    {
        Assert.Equal("acme", CustomerNames.Normalize($"Acme {form}"));
        Assert.Equal("acme widgets", CustomerNames.Normalize($"ACME Widgets, {form}"));
    }

    [Theory]
    [InlineData("S.A. de C.V.", "sa de")] // the longest form that leaves a word
    [InlineData("Sp. z o.o.", "sp z oo")]
    [InlineData("Grupo Bimbo S.A. de C.V.", "grupo bimbo")]
    [InlineData("Acme Sp. z o.o. Group", "acme")]
    [InlineData("Acme Networks Sa Rl", "acme networks")]
    public void A_legal_form_written_in_several_words_is_dropped_whole_but_never_the_whole_name(string name, string expected) =>
        Assert.Equal(expected, CustomerNames.Normalize(name));

    [Theory]
    [InlineData("Huawei Technologies USA Inc", "Huawei Technologies Co., Ltd.", true)]
    [InlineData("Acme", "Acme Inc", true)]
    [InlineData("Acmecorp", "Acme", false)]
    [InlineData("Big Acme Widgets", "Acme", true)]
    [InlineData("Acme Widgets", "Acme Tools", false)]
    [InlineData("Acme", "", false)]
    [InlineData("", "", false)]
    [InlineData("Widgets Acme", "Acme Widgets", false)]
    public void A_listed_name_matches_when_its_words_appear_whole(string candidate, string listed, bool matches) =>
        Assert.Equal(matches, CustomerNames.Contains(CustomerNames.Normalize(candidate), CustomerNames.Normalize(listed)));

    [Theory]
    [InlineData("eu.acme.example", "acme.example", true)]
    [InlineData("acme.example", "acme.example", true)]
    [InlineData("notacme.example", "acme.example", false)]
    public void A_domain_matches_itself_and_its_subdomains(string domain, string parent, bool matches) =>
        Assert.Equal(matches, Domains.IsSameOrSubdomain(domain, parent));
}
