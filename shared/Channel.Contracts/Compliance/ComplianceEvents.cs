namespace Channel.Contracts.Compliance;

/// <summary>What a screening decides: go on, hold for a compliance officer, or refuse.</summary>
public static class ScreeningOutcome
{
    public const string Clear = "clear";
    public const string Review = "review";
    public const string Block = "block";
    public static readonly IReadOnlyList<string> All = [Clear, Review, Block];

    /// <summary>
    /// Not an outcome: where a subject's owner keeps its screening before Compliance's first decision on the version it
    /// announced (a deal registered or resubmitted); Compliance screens a deal announced with it.
    /// </summary>
    public const string Pending = "pending";

    /// <summary>The stricter of two outcomes (block over review over clear).</summary>
    public static string Stricter(string a, string b) => Rank(a) >= Rank(b) ? a : b;

    public static int Rank(string outcome) => outcome switch { Block => 2, Review => 1, _ => 0 };
}

/// <summary>What Compliance screens.</summary>
public static class ScreeningSubject
{
    public const string Partner = "partner";
    public const string Distributor = "distributor";
    public const string Deal = "deal";
    /// <summary>An accepted sell-through line, by "{report id}:{line number}": a sale already made, flagged rather than refused.</summary>
    public const string Sale = "sale";
    /// <summary>A price authorization: its deal's customer with every SKU it prices (a family line prices SKUs the deal did not name).</summary>
    public const string PriceAuthorization = "price_authorization";
    public static readonly IReadOnlyList<string> All = [Partner, Distributor, Deal, PriceAuthorization, Sale];
}

/// <summary>
/// Who the end customer is, as a registration names it: the vocabulary public-sector rules are written in. The
/// registrant chooses; the rules decide what each means.
/// </summary>
public static class CustomerTypes
{
    public const string Commercial = "commercial";
    public const string Education = "education";
    public const string Healthcare = "healthcare";
    public const string CriticalInfrastructure = "critical-infrastructure";
    public const string StateLocalGovernment = "state-local-government";
    public const string FederalAgency = "federal-agency";
    public const string FederalContractor = "federal-contractor";
    public const string Military = "military";
    public const string GrantFunded = "grant-funded";
    public const string UniversalServiceRecipient = "usf-recipient";

    public static readonly string[] All =
        [Commercial, Education, Healthcare, CriticalInfrastructure, StateLocalGovernment, FederalAgency, FederalContractor, Military, GrantFunded, UniversalServiceRecipient];

    /// <summary>The public-sector types: a registration for one carries the registrant's attestation.</summary>
    public static readonly string[] PublicSector = [StateLocalGovernment, FederalAgency, FederalContractor, Military, GrantFunded, UniversalServiceRecipient];

    /// <summary>The coarse sector reports group by, for a customer type.</summary>
    public static string SectorOf(string type) => type switch
    {
        StateLocalGovernment or FederalAgency or FederalContractor => "government",
        Military => "military",
        Education or UniversalServiceRecipient => "education",
        Healthcare => "healthcare",
        _ => "commercial",
    };
}

/// <summary>Where the money for a purchase comes from.</summary>
public static class FundingSources
{
    public const string Own = "own-funds";
    public const string FederalAppropriation = "federal-appropriation";
    public const string FederalGrant = "federal-grant";
    public const string ERate = "usf-e-rate";
    public const string RuralHealthCare = "usf-rural-health-care";
    public const string StateLocalBudget = "state-local-budget";
    public const string Other = "other";

    public static readonly string[] All = [Own, FederalAppropriation, FederalGrant, ERate, RuralHealthCare, StateLocalBudget, Other];

    /// <summary>Public money: a registration paid with it carries the registrant's attestation.</summary>
    public static readonly string[] Public = [FederalAppropriation, FederalGrant, ERate, RuralHealthCare, StateLocalBudget];
}

/// <summary>
/// A screening decided something about a subject, or changed what it had decided (after a list import, a rule change,
/// an officer clearing or confirming it). The subject's owner acts on it: a deal held or refused, a partner on hold.
/// <see cref="Sequence"/> grows with every decision on the same subject, so a reader keeps the latest whatever order
/// decisions arrive in. <see cref="Reason"/> is what anyone who sees the subject may read (a rule's citation, or that a
/// screening list matched); the evidence itself stays with Compliance.
/// </summary>
public sealed record ScreeningDecided
{
    public required Guid DecisionId { get; init; }
    public required string SubjectKind { get; init; }
    public required string SubjectId { get; init; }
    /// <summary>The subject's own version the decision was made on.</summary>
    public required int SubjectVersion { get; init; }
    public required long Sequence { get; init; }
    public required string Outcome { get; init; }
    public string? PreviousOutcome { get; init; }
    public required string Reason { get; init; }
    /// <summary>The rule's citation when a rule decided (for example "NDAA FY2019 §889(a)(1)(A)").</summary>
    public string? Citation { get; init; }
    public required int ListVersion { get; init; }
    public required int RulesVersion { get; init; }
    /// <summary>The list import or rule change that re-screened the subject, if one did.</summary>
    public Guid? ChangeId { get; init; }
    public required string Actor { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}
