using Channel.Contracts.Compliance;

namespace Channel.Compliance.Screening;

/// <summary>What is screened about a subject: its names, domain, where it is and, for an end customer, who it is, who pays and what it buys.</summary>
public sealed record Inputs
{
    public string Name { get; init; } = "";
    public string[] OtherNames { get; init; } = [];
    public string? Domain { get; init; }
    public string? Country { get; init; }
    public string? Region { get; init; }
    public string? CustomerType { get; init; }
    public string? FundingSource { get; init; }
    /// <summary>Product families and SKUs.</summary>
    public string[] Products { get; init; } = [];
    /// <summary>The version of the public-sector statement attested to, if any.</summary>
    public string? Attestation { get; init; }
    /// <summary>For a price authorization: its deal's id (what the deal's screening answered does not hold the PA again).</summary>
    public string? Parent { get; init; }

    public bool NeedsAttestation =>
        CustomerType is { } t && CustomerTypes.PublicSector.Contains(t) || FundingSource is { } f && FundingSources.Public.Contains(f);
}

/// <summary>
/// A screening's result: the outcome, the reason anyone who sees the subject may read, the citation when a rule
/// decided, and the evidence (list hits, rules applied) with the versions used. <see cref="Evidence"/> names what
/// holds or refuses the subject now (cleared evidence is left out of it, not out of the hits).
/// </summary>
public sealed record Verdict(string Outcome, string Reason, string? Citation, IReadOnlyList<ListHit> Hits, IReadOnlyList<AppliedRule> Rules,
    int ListVersion, int RulesVersion, IReadOnlyList<string> Evidence)
{
    public const string NoAttestation = "attestation:missing";
    public const string GovernmentDomain = "domain:government";

    /// <summary>A domain of a government or military (<c>.gov</c>, <c>.mil</c>, or a country's <c>.gov.xx</c>, <c>.mil.xx</c>).</summary>
    public static bool IsGovernmentDomain(string? domain) =>
        domain is { Length: > 0 } d && (d.EndsWith(".gov", StringComparison.OrdinalIgnoreCase) || d.EndsWith(".mil", StringComparison.OrdinalIgnoreCase)
            || d.Contains(".gov.", StringComparison.OrdinalIgnoreCase) || d.Contains(".mil.", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The one screening rule: a rule that blocks refuses; a list hit, a rule that asks for review, a public-sector
    /// customer without a current attestation, or a government domain on a customer not said to be public sector (a sale
    /// that names no customer type, a registration that says "commercial") holds for an officer, unless an officer
    /// cleared that very evidence; anything else is clear.
    /// </summary>
    public static Verdict Decide(Inputs inputs, ScreeningList list, RuleBook book, DateOnly day, IReadOnlySet<string> cleared, ComplianceSettings settings)
    {
        var hits = list.Match([inputs.Name, .. inputs.OtherNames], inputs.Domain);
        var rules = book.Apply(inputs.Country, inputs.Region, inputs.CustomerType, inputs.FundingSource, inputs.Products, day);
        if (rules.FirstOrDefault(r => r.Action == RuleActions.Block) is { } block)
            return new Verdict(ScreeningOutcome.Block, $"Refused under {block.Citation}: {block.Description}", block.Citation, hits, rules,
                list.Version, book.Version, [block.Evidence]);
        var holding = new List<string>();
        string? reason = null, citation = null;
        foreach (var r in rules.Where(r => r.Action == RuleActions.Review && !cleared.Contains(r.Evidence)))
        {
            holding.Add(r.Evidence);
            reason ??= $"Held for compliance review under {r.Citation}";
            citation ??= r.Citation;
        }
        foreach (var h in hits.Where(h => !cleared.Contains(h.Evidence)))
        {
            holding.Add(h.Evidence);
            reason ??= "Held for compliance review: a possible screening-list match";
        }
        if (IsGovernmentDomain(inputs.Domain) && !(inputs.CustomerType is { } type && CustomerTypes.PublicSector.Contains(type))
            && !cleared.Contains(GovernmentDomain))
        {
            holding.Add(GovernmentDomain);
            reason ??= $"Held for compliance review: a government domain ({inputs.Domain}) on a customer not declared public sector";
        }
        if (inputs.NeedsAttestation && !settings.Accepts(inputs.Attestation) && !cleared.Contains(NoAttestation))
        {
            holding.Add(NoAttestation);
            reason ??= "Held for compliance review: no current public-sector attestation";
        }
        return holding.Count > 0
            ? new Verdict(ScreeningOutcome.Review, reason!, citation, hits, rules, list.Version, book.Version, holding)
            : new Verdict(ScreeningOutcome.Clear, "Screened clear", null, hits, rules, list.Version, book.Version, []);
    }
}
