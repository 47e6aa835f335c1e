using Channel.Contracts.Distributors;
using Channel.Contracts.Partners;

namespace Channel.Testing;

/// <summary>The states other services' events carry, as a test publishes them in those services' place.</summary>
public static class States
{
    public static PartnerState Partner(string status, string? tier = "silver", string name = "Test Partner Co", string region = "CA",
        int? activeSince = null) => new()
        {
            LegalName = name,
            Country = "US",
            Region = region,
            WebsiteDomain = "test-partner.example",
            PartnerType = "var",
            Status = status,
            Tier = tier,
            AppliedAt = DateTimeOffset.UtcNow.AddDays(-30),
            ActiveSinceVersion = activeSince ?? (status == PartnerStatus.Active ? 2 : null),
        };

    /// <summary>The Compliance service's decision on a subject, as it announces it (versions of the list and rules: 1).</summary>
    public static Channel.Contracts.Compliance.ScreeningDecided Decision(string kind, string subjectId, long sequence, string outcome, string reason,
        int subjectVersion = 1, string? citation = null, DateTimeOffset? at = null) => new()
        {
            DecisionId = Guid.NewGuid(),
            SubjectKind = kind,
            SubjectId = subjectId,
            SubjectVersion = subjectVersion,
            Sequence = sequence,
            Outcome = outcome,
            Reason = reason,
            Citation = citation,
            ListVersion = 1,
            RulesVersion = 1,
            Actor = "compliance",
            OccurredAt = at ?? DateTimeOffset.UtcNow,
        };

    public static ResellerAuthorizationState Authorization(Guid distributorId, Guid partnerId, bool active, params string[] regions) => new()
    {
        DistributorId = distributorId,
        PartnerId = partnerId,
        Active = active,
        Regions = regions,
    };
}
