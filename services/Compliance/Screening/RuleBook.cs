using System.Text.RegularExpressions;
using Channel.Contracts.Compliance;

namespace Channel.Compliance.Screening;

public static class RuleActions
{
    public const string Allow = "allow";
    public const string Review = "review";
    public const string Block = "block";
    public static readonly string[] All = [Allow, Review, Block];

    public static string Outcome(string action) => action switch
    {
        Block => ScreeningOutcome.Block,
        Review => ScreeningOutcome.Review,
        _ => ScreeningOutcome.Clear,
    };
}

/// <summary>
/// A public-sector rule: where (a country, or "*" for any; optionally one region), for which customer type and funding
/// source ("*" for any), for which products (a product family, a SKU pattern with "*", or "*"), what to do, under which
/// law, from when to when.
/// </summary>
public sealed record Rule
{
    public Guid RuleId { get; init; }
    public string Country { get; init; } = "";
    public string? Region { get; init; }
    public string CustomerType { get; init; } = "";
    public string FundingSource { get; init; } = "";
    public string ProductPattern { get; init; } = "";
    public string Action { get; init; } = "";
    public string Citation { get; init; } = "";
    public string Description { get; init; } = "";
    public DateOnly EffectiveFrom { get; init; }
    public DateOnly? EffectiveTo { get; init; }

    public bool InForce(DateOnly day) => EffectiveFrom <= day && (EffectiveTo is null || EffectiveTo >= day);

    /// <summary>The first of the products the pattern covers, or null ("*" covers a registration with any product).</summary>
    public string? Covers(IReadOnlyList<string> products)
    {
        if (ProductPattern == "*") return products.Count > 0 ? products[0] : "*";
        if (!ProductPattern.Contains('*')) return products.FirstOrDefault(p => string.Equals(p, ProductPattern, StringComparison.OrdinalIgnoreCase));
        var glob = new Regex("^" + Regex.Escape(ProductPattern).Replace("\\*", ".*") + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));
        return products.FirstOrDefault(glob.IsMatch);
    }
}

/// <summary>A rule that applied to a subject, and the product it applied through.</summary>
public sealed record AppliedRule(Guid RuleId, string Action, string Citation, string Description, string Country, string? Region,
    string CustomerType, string FundingSource, string ProductPattern, string Product)
{
    public string Evidence => $"rule:{RuleId}";
}

/// <summary>One version of the public-sector rules.</summary>
public sealed class RuleBook(int version, IReadOnlyList<Rule> rules)
{
    public int Version { get; } = version;
    public IReadOnlyList<Rule> Rules { get; } = rules;

    /// <summary>
    /// Every rule in force on the day that covers the customer: its country (or any), its region if the rule names one,
    /// its type and funding (or any), and one of its products. Where several apply the strictest decides (block over
    /// review over allow): an "allow" rule records that a case was considered, it never lifts another rule.
    /// </summary>
    public IReadOnlyList<AppliedRule> Apply(string? country, string? region, string? customerType, string? fundingSource,
        IReadOnlyList<string> products, DateOnly day)
    {
        if (country is null || customerType is null) return [];
        var applied = new List<AppliedRule>();
        foreach (var r in Rules)
        {
            if (!r.InForce(day)) continue;
            if (r.Country != "*" && !string.Equals(r.Country, country, StringComparison.OrdinalIgnoreCase)) continue;
            if (r.Region is not null && !string.Equals(r.Region, region, StringComparison.OrdinalIgnoreCase)) continue;
            if (r.CustomerType != "*" && r.CustomerType != customerType) continue;
            if (r.FundingSource != "*" && r.FundingSource != (fundingSource ?? FundingSources.Own)) continue;
            if (r.Covers(products) is not { } product) continue;
            applied.Add(new AppliedRule(r.RuleId, r.Action, r.Citation, r.Description, r.Country, r.Region, r.CustomerType, r.FundingSource,
                r.ProductPattern, product));
        }
        return [.. applied.OrderByDescending(a => ScreeningOutcome.Rank(RuleActions.Outcome(a.Action))).ThenBy(a => a.Citation, StringComparer.Ordinal)];
    }
}
