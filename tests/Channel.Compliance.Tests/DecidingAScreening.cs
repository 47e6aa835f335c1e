using Channel.Compliance.Screening;
using Channel.Contracts.Compliance;
using Channel.Testing;

namespace Channel.Compliance.Tests;

/// <summary>
/// The screening engine as rules alone (no database, no broker): how a verdict is reached from list hits, public-sector
/// rules, government domains and attestations, which rules apply to a customer, how names and domains are read and
/// scored. The fast tests <c>./channel mutate compliance</c> runs its mutants against (with <see cref="MatchingNames"/>);
/// the same engine through the API and the other services is in <see cref="ScreeningRegistrations"/> and its neighbours.
/// </summary>
[Trait("Category", "Rules")]
public sealed class DecidingAScreening
{
    static readonly DateOnly Day = new(2026, 11, 23);
    static readonly ComplianceSettings Settings = new() { AcceptedAttestationVersions = ["2025-2"] };

    static Rule Rule(string action, string citation, string country = "US", string? region = null, string type = CustomerTypes.FederalAgency,
        string funding = "*", string products = "routers", DateOnly? from = null, DateOnly? to = null) => new()
        {
            RuleId = Guid.NewGuid(),
            Country = country,
            Region = region,
            CustomerType = type,
            FundingSource = funding,
            ProductPattern = products,
            Action = action,
            Citation = citation,
            Description = $"{citation} covers it",
            EffectiveFrom = from ?? new DateOnly(2025, 1, 1),
            EffectiveTo = to,
        };

    // Built afresh for each use: a list built once in a static field would be built under whichever mutant ran first.
    static ScreeningList List => new(7, [
        new ListEntry { EntryKey = "ost", Name = "Oceanic Shadow Trading LLC", AltNames = ["OST Middle East"], Domains = ["oceanic-shadow.example"], SourceList = "EL", Programs = ["EAR"] },
        new ListEntry { EntryKey = "dash", Name = "—", SourceList = "EL" },
    ], threshold: 88);

    static Verdict Screen(Inputs inputs, RuleBook? book = null, params string[] cleared) =>
        Verdict.Decide(inputs, List, book ?? new RuleBook(3, []), Day, cleared.ToHashSet(), Settings);

    static readonly Inputs Federal = new()
    {
        Name = "U.S. Department of Transportation",
        Domain = "dot.gov",
        Country = "US",
        Region = "DC",
        CustomerType = CustomerTypes.FederalAgency,
        FundingSource = FundingSources.FederalAppropriation,
        Products = ["routers", "RT-9000"],
        Attestation = "2026-1",
    };

    static readonly Inputs Commercial = new() { Name = "Northwind Clinics", Domain = "northwind.example", Country = "US", CustomerType = CustomerTypes.Commercial, Products = ["routers"] };

    [Fact]
    public void Nothing_found_is_clear_with_the_versions_it_was_screened_with()
    {
        var verdict = Screen(Commercial);
        Assert.Equal((ScreeningOutcome.Clear, "Screened clear", (string?)null, 7, 3), (verdict.Outcome, verdict.Reason, verdict.Citation, verdict.ListVersion, verdict.RulesVersion));
        Assert.Empty(verdict.Hits);
        Assert.Empty(verdict.Rules);
        Assert.Empty(verdict.Evidence);
    }

    [Fact]
    public void A_rule_that_blocks_refuses_with_its_citation_whatever_else_holds()
    {
        var block = Rule(RuleActions.Block, "NDAA FY2019 §889(a)(1)(A)");
        var review = Rule(RuleActions.Review, "47 CFR 54.9");
        var verdict = Screen(Federal with { Name = "Oceanic Shadow Trading" }, new RuleBook(4, [review, block]));

        Assert.Equal((ScreeningOutcome.Block, "Refused under NDAA FY2019 §889(a)(1)(A): NDAA FY2019 §889(a)(1)(A) covers it", "NDAA FY2019 §889(a)(1)(A)", 4),
            (verdict.Outcome, verdict.Reason, verdict.Citation, verdict.RulesVersion));
        Assert.Equal([$"rule:{block.RuleId}"], verdict.Evidence);
        Assert.Equal("ost", Assert.Single(verdict.Hits).EntryKey);
        Assert.Equal(2, verdict.Rules.Count);

        // Cleared evidence never lifts a block.
        Assert.Equal(ScreeningOutcome.Block, Screen(Federal, new RuleBook(4, [block]), $"rule:{block.RuleId}").Outcome);
    }

    [Fact]
    public void Rules_that_ask_for_review_hold_the_subject_naming_the_first_citation_until_cleared()
    {
        var first = Rule(RuleActions.Review, "47 CFR 54.9");
        var second = Rule(RuleActions.Review, "48 CFR 52.204-25");
        var book = new RuleBook(4, [second, first]);

        var held = Screen(Federal, book);
        Assert.Equal((ScreeningOutcome.Review, "Held for compliance review under 47 CFR 54.9", "47 CFR 54.9"), (held.Outcome, held.Reason, held.Citation));
        Assert.Equal([$"rule:{first.RuleId}", $"rule:{second.RuleId}"], held.Evidence);

        var one = Screen(Federal, book, $"rule:{first.RuleId}");
        Assert.Equal(("Held for compliance review under 48 CFR 52.204-25", "48 CFR 52.204-25"), (one.Reason, one.Citation));
        Assert.Equal([$"rule:{second.RuleId}"], one.Evidence);

        var both = Screen(Federal, book, $"rule:{first.RuleId}", $"rule:{second.RuleId}");
        Assert.Equal((ScreeningOutcome.Clear, 2), (both.Outcome, both.Rules.Count));
        Assert.Equal(ScreeningOutcome.Clear, Screen(Federal, new RuleBook(4, [Rule(RuleActions.Allow, "FAR 4.2104")])).Outcome);
    }

    [Fact]
    public void A_list_hit_holds_the_subject_without_a_citation_until_that_listed_text_is_cleared()
    {
        var held = Screen(Commercial with { Name = "Harbour Logistics", OtherNames = ["O.S.T. Middle East"] });
        Assert.Equal((ScreeningOutcome.Review, "Held for compliance review: a possible screening-list match", (string?)null), (held.Outcome, held.Reason, held.Citation));
        Assert.Equal(["list:ost:alt_name:OST Middle East"], held.Evidence);

        var cleared = Screen(Commercial with { Name = "Harbour Logistics", OtherNames = ["O.S.T. Middle East"] }, null, "list:ost:alt_name:OST Middle East");
        Assert.Equal(ScreeningOutcome.Clear, cleared.Outcome);
        Assert.Single(cleared.Hits);

        // A rule's reason comes before a hit's, and both are evidence.
        var rule = Rule(RuleActions.Review, "47 CFR 54.9", type: CustomerTypes.Commercial);
        var both = Screen(Commercial with { Name = "Oceanic Shadow Trading" }, new RuleBook(4, [rule]));
        Assert.Equal(("Held for compliance review under 47 CFR 54.9", "47 CFR 54.9"), (both.Reason, both.Citation));
        Assert.Equal([$"rule:{rule.RuleId}", "list:ost:name:Oceanic Shadow Trading LLC"], both.Evidence);
    }

    [Theory]
    [InlineData(CustomerTypes.Commercial, true)]
    [InlineData(null, true)]
    [InlineData(CustomerTypes.Education, true)]
    [InlineData(CustomerTypes.StateLocalGovernment, false)]
    public void A_government_domain_on_a_customer_not_declared_public_sector_is_held(string? type, bool held)
    {
        var inputs = Commercial with { Domain = "schools.state.gov", CustomerType = type, Attestation = "2026-1" };
        var verdict = Screen(inputs);
        Assert.Equal(held ? ScreeningOutcome.Review : ScreeningOutcome.Clear, verdict.Outcome);
        if (held)
        {
            Assert.Equal("Held for compliance review: a government domain (schools.state.gov) on a customer not declared public sector", verdict.Reason);
            Assert.Equal([Verdict.GovernmentDomain], verdict.Evidence);
            Assert.Equal(ScreeningOutcome.Clear, Screen(inputs, null, Verdict.GovernmentDomain).Outcome);
        }
    }

    [Fact]
    public void A_public_sector_customer_needs_a_current_attestation()
    {
        var missing = Screen(Federal with { Attestation = null });
        Assert.Equal((ScreeningOutcome.Review, "Held for compliance review: no current public-sector attestation"), (missing.Outcome, missing.Reason));
        Assert.Equal([Verdict.NoAttestation], missing.Evidence);
        Assert.Equal(ScreeningOutcome.Review, Screen(Federal with { Attestation = "2024-1" }).Outcome);
        Assert.Equal(ScreeningOutcome.Clear, Screen(Federal with { Attestation = "2025-2" }).Outcome);
        Assert.Equal(ScreeningOutcome.Clear, Screen(Federal).Outcome);
        Assert.Equal(ScreeningOutcome.Clear, Screen(Federal with { Attestation = null }, null, Verdict.NoAttestation).Outcome);

        // Every hold at once: the government domain's reason before the attestation's; all four kinds are evidence.
        var all = Screen(Commercial with { Name = "Oceanic Shadow Trading", Domain = "ost.gov", FundingSource = FundingSources.ERate });
        Assert.Equal("Held for compliance review: a possible screening-list match", all.Reason);
        Assert.Equal(["list:ost:name:Oceanic Shadow Trading LLC", Verdict.GovernmentDomain, Verdict.NoAttestation], all.Evidence);
        Assert.Equal("Held for compliance review: a government domain (ost.gov) on a customer not declared public sector",
            Screen(Commercial with { Domain = "ost.gov", FundingSource = FundingSources.ERate }).Reason);
    }

    [Theory]
    [InlineData(CustomerTypes.FederalContractor, null, true)]
    [InlineData(CustomerTypes.UniversalServiceRecipient, FundingSources.Own, true)]
    [InlineData(CustomerTypes.Education, FundingSources.ERate, true)]
    [InlineData(CustomerTypes.Healthcare, FundingSources.RuralHealthCare, true)]
    [InlineData(CustomerTypes.Education, FundingSources.Own, false)]
    [InlineData(null, null, false)]
    [InlineData(CustomerTypes.Commercial, FundingSources.Other, false)]
    public void An_attestation_is_needed_for_a_public_sector_customer_or_public_money(string? type, string? funding, bool needed) =>
        Assert.Equal(needed, new Inputs { CustomerType = type, FundingSource = funding }.NeedsAttestation);

    [Theory]
    [InlineData("dot.gov", true)]
    [InlineData("NAVY.MIL", true)]
    [InlineData("service.gov.uk", true)]
    [InlineData("ejercito.mil.ar", true)]
    [InlineData("government.example", false)]
    [InlineData("gov.example", false)]
    [InlineData("mil.example", false)]
    [InlineData("covgov", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_government_domain_ends_in_gov_or_mil_or_has_them_before_a_country(string? domain, bool government) =>
        Assert.Equal(government, Verdict.IsGovernmentDomain(domain));

    [Fact]
    public void Rules_apply_where_when_to_whom_and_to_what_they_say_the_strictest_first()
    {
        var anywhere = Rule(RuleActions.Review, "B-any", country: "*", type: "*", products: "*");
        var california = Rule(RuleActions.Block, "C-ca", region: "CA", type: CustomerTypes.Military);
        var erate = Rule(RuleActions.Review, "A-erate", type: "*", funding: FundingSources.ERate);
        var ownFunds = Rule(RuleActions.Allow, "D-own", type: "*", funding: FundingSources.Own);
        var past = Rule(RuleActions.Block, "E-past", from: new DateOnly(2020, 1, 1), to: Day.AddDays(-1));
        var future = Rule(RuleActions.Block, "F-future", from: Day.AddDays(1));
        var lastDay = Rule(RuleActions.Block, "G-last", to: Day);
        var firstDay = Rule(RuleActions.Review, "H-first", from: Day);
        var book = new RuleBook(9, [anywhere, california, erate, ownFunds, past, future, lastDay, firstDay]);

        Assert.Equal(9, book.Version);
        Assert.Equal(8, book.Rules.Count);
        Assert.Equal(["G-last", "B-any", "H-first", "D-own"], book.Apply("us", "DC", CustomerTypes.FederalAgency, null, ["routers"], Day).Select(r => r.Citation));
        Assert.Equal(["C-ca", "A-erate", "B-any"], book.Apply("US", "ca", CustomerTypes.Military, FundingSources.ERate, ["switches", "routers"], Day)
            .Where(r => r.Citation is "C-ca" or "A-erate" or "B-any").Select(r => r.Citation));
        Assert.Equal(["B-any"], book.Apply("DE", null, CustomerTypes.Military, FundingSources.Own, ["switches"], Day).Select(r => r.Citation));
        Assert.DoesNotContain("C-ca", book.Apply("US", null, CustomerTypes.Military, null, ["routers"], Day).Select(r => r.Citation));
        Assert.Empty(book.Apply(null, "CA", CustomerTypes.Military, null, ["routers"], Day));
        Assert.Empty(book.Apply("US", "CA", null, null, ["routers"], Day));

        var applied = book.Apply("US", "CA", CustomerTypes.Military, null, ["RT-9000", "routers"], Day).Single(r => r.Citation == "C-ca");
        Assert.Equal((california.RuleId, "block", "C-ca covers it", "US", "CA", CustomerTypes.Military, "*", "routers", "routers"),
            (applied.RuleId, applied.Action, applied.Description, applied.Country, applied.Region, applied.CustomerType, applied.FundingSource, applied.ProductPattern, applied.Product));
        Assert.Equal($"rule:{california.RuleId}", applied.Evidence);
    }

    [Theory]
    [InlineData("*", new[] { "switches", "routers" }, "switches")]
    [InlineData("*", new string[0], "*")]
    [InlineData("Routers", new[] { "switches", "routers" }, "routers")]
    [InlineData("routers", new[] { "switches" }, null)]
    [InlineData("RT-9*", new[] { "routers", "rt-9000" }, "rt-9000")]
    [InlineData("RT-9*", new[] { "XRT-9000", "RT-8000" }, null)]
    [InlineData("RT.9*", new[] { "RTX9000" }, null)]
    [InlineData("*-9000", new[] { "SW-24", "AP-9000" }, "AP-9000")]
    [InlineData("*-9000", new[] { "AP-90001" }, null)]
    public void A_rule_covers_the_first_product_its_pattern_matches(string pattern, string[] products, string? covered) =>
        Assert.Equal(covered, Rule(RuleActions.Block, "x", products: pattern).Covers(products));

    [Theory]
    [InlineData(RuleActions.Block, ScreeningOutcome.Block)]
    [InlineData(RuleActions.Review, ScreeningOutcome.Review)]
    [InlineData(RuleActions.Allow, ScreeningOutcome.Clear)]
    public void A_rules_action_is_its_outcome(string action, string outcome)
    {
        Assert.Equal(outcome, RuleActions.Outcome(action));
        Assert.Contains(action, RuleActions.All);
        Assert.Equal(3, RuleActions.All.Length);
    }

    [Fact]
    public void A_list_keeps_its_version_threshold_and_size_and_skips_what_reads_as_nothing()
    {
        Assert.Equal((7, 88, 2), (List.Version, List.Threshold, List.Count));
        Assert.Empty(List.Match(["—", " ", ""], null));
        Assert.Empty(List.Match([], "localhost"));
    }

    [Fact]
    public void Each_entry_and_field_keeps_its_best_hit_the_first_of_equals_and_hits_are_ordered_by_score()
    {
        var hits = List.Match(["Ocean Shadow Trading", "Oceanic Shadow Trading", "OCEANIC SHADOW TRADING, L.L.C.", "OST Middle East"], "www.oceanic-shadow.example");
        Assert.Equal([("alt_name", "OST Middle East", 100), ("domain", "oceanic-shadow.example", 100), ("name", "Oceanic Shadow Trading", 100)],
            hits.Select(h => (h.Field, h.Screened, h.Score)));
        var domain = hits[1];
        Assert.Equal(("ost", "Oceanic Shadow Trading LLC", "EL", "oceanic-shadow.example"), (domain.EntryKey, domain.EntryName, domain.SourceList, domain.Listed));
        Assert.Equal(["EAR"], domain.Programs);

        var fuzzy = Assert.Single(List.Match(["Ocean Shadow Trading"], null));
        Assert.InRange(fuzzy.Score, 88, 99);
        var list = new ScreeningList(1, [
            new ListEntry { EntryKey = "b", Name = "Shadow Trading Partners" },
            new ListEntry { EntryKey = "a", Name = "Shadow Trading Partners Group" },
        ], threshold: 50);
        Assert.Equal(["b", "a"], list.Match(["Shadow Trading Partners"], null).Select(h => h.EntryKey));
        Assert.Equal(["a", "b"], list.Match(["Shadow Trading Partners Group"], null).Select(h => h.EntryKey));
    }

    [Fact]
    public void A_word_misspelt_at_its_start_is_found_by_its_end_and_one_misspelt_at_its_end_by_its_start()
    {
        var list = new ScreeningList(1, [new ListEntry { EntryKey = "k", Name = "Kumgangnetwork" }], threshold: 88);
        Assert.Equal(93, Assert.Single(list.Match(["Xumgangnetwork"], null)).Score);
        Assert.Equal(93, Assert.Single(list.Match(["Kumgangnetworx"], null)).Score);
        Assert.Empty(list.Match(["Xumgangnetworx"], null));
    }

    [Fact]
    public void Hits_of_equal_score_are_ordered_by_entry_then_field()
    {
        var list = new ScreeningList(1, [
            new ListEntry { EntryKey = "b", Name = "Shadow Trading Partners", Domains = ["shadow.example"] },
            new ListEntry { EntryKey = "a", Name = "Harbour Shadow", AltNames = ["Shadow Trading Partners"] },
        ], threshold: 88);
        Assert.Equal([("a", "alt_name"), ("b", "domain"), ("b", "name")],
            list.Match(["Shadow Trading Partners"], "shadow.example").Select(h => (h.EntryKey, h.Field)));
    }

    [Theory]
    [InlineData(75, true)]
    [InlineData(76, false)]
    public void A_name_scoring_the_threshold_is_a_hit(int threshold, bool hit)
    {
        var list = new ScreeningList(1, [new ListEntry { EntryKey = "x", Name = "Abce" }], threshold);
        Assert.Equal(hit, list.Match(["Abcd"], null).Count == 1);
    }

    [Theory]
    [InlineData("acme", "acme", 100)]
    [InlineData("huawei technologies usa", "huawei technologies", 95)]
    [InlineData("big kumgang trading", "kumgang", 95)] // one word of six letters or more
    [InlineData("abcd", "abce", 75)] // four letters: scored
    [InlineData("huawei usa", "huawei", 95)] // six letters: a whole word
    [InlineData("abc", "abd", 0)] // under four: only exactly
    [InlineData("abc", "abcd", 0)]
    [InlineData("abcd", "abc", 0)]
    [InlineData("", "", 0)]
    [InlineData("abc", "abc", 100)]
    [InlineData("", "acme", 0)]
    [InlineData("acme", "", 0)]
    public void How_alike_two_names_are(string screened, string listed, int score) =>
        Assert.Equal(score, Names.Score(screened, listed));

    [Fact]
    public void A_short_listed_word_inside_a_longer_name_is_only_scored_by_likeness()
    {
        Assert.InRange(Names.Score("big acmes trading", "acmes"), 0, 94);
        Assert.InRange(Names.Score("acme widgets", "acme"), 0, 94);
    }

    [Theory]
    [InlineData("https://WWW.Huawei.com/en/", "huawei.com")]
    [InlineData("huawei.com.", "huawei.com")]
    [InlineData(" www.huawei.com ", "huawei.com")]
    [InlineData("wwwhuawei.com", "wwwhuawei.com")]
    [InlineData("mail.huawei.com", "mail.huawei.com")]
    [InlineData("localhost", null)]
    [InlineData("http://", null)]
    [InlineData("  ", null)]
    [InlineData(null, null)]
    public void A_domain_is_read_from_a_web_address_or_a_bare_name(string? text, string? domain) =>
        Assert.Equal(domain, Names.DomainOf(text));

    [Theory]
    [InlineData("huawei.com", "huawei.com", true)]
    [InlineData("mail.huawei.com", "huawei.com", true)]
    [InlineData("notHuawei.com", "huawei.com", false)]
    [InlineData("huawei.com", "mail.huawei.com", false)]
    public void A_domain_is_under_itself_and_its_parents(string screened, string listed, bool under) =>
        Assert.Equal(under, Names.UnderDomain(screened, listed));

    public static TheoryData<string> LegalForms => WrittenLegalForms.Of(WrittenLegalForms.Everywhere);

    [Theory]
    [MemberData(nameof(LegalForms))]
    public void Every_legal_form_is_dropped_as_it_is_written(string form)
    {
        Assert.Equal("oceanic shadow", Names.Normalize($"Oceanic Shadow {form}"));
        Assert.Equal(new[] { "oceanic" }, Names.Tokens($"OCEANIC, {form}"));
    }

    [Theory]
    [InlineData("Crimson Peak Holdings", "crimson peak holdings")] // a holding company is a party of its own
    [InlineData("Crimson Peak Group Ltd", "crimson peak group")]
    [InlineData("Smith & Wesson", "smith and wesson")]
    [InlineData("O’Brien-Kumgang", "obrien kumgang")]
    [InlineData("Groß Ærø Łódź", "gross aero lodz")]
    [InlineData("राम Telecom", "रम telecom")]
    [InlineData("A\u20DDB Trading", "ab trading")]
    [InlineData("S.A. de C.V.", "sa de")]
    [InlineData("Ltd", "ltd")]
    [InlineData("  ", "")]
    [InlineData(null, "")]
    public void A_name_is_read_without_case_accents_punctuation_or_legal_form(string? name, string normalized) =>
        Assert.Equal(normalized, Names.Normalize(name));
}
