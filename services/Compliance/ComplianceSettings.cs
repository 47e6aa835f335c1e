namespace Channel.Compliance;

/// <summary>The Compliance service's settings (section <c>Compliance</c>).</summary>
public sealed class ComplianceSettings
{
    /// <summary>A listed name scoring this or more (0–100) against a screened one is a hit.</summary>
    public int MatchThreshold { get; set; } = 88;

    /// <summary>The public-sector statement a registrant attests to, and its version; earlier versions still accepted.</summary>
    public AttestationStatement Attestation { get; set; } = new();

    public string[] AcceptedAttestationVersions { get; set; } = [];

    /// <summary>How many subjects one re-screening transaction takes.</summary>
    public int RescreenBatch { get; set; } = 500;

    /// <summary>How often an instance looks for re-screening left by another (a change wakes its own at once).</summary>
    public TimeSpan RescreenPoll { get; set; } = TimeSpan.FromSeconds(5);

    public bool Accepts(string? version) =>
        version is not null && (version == Attestation.Version || AcceptedAttestationVersions.Contains(version));
}

public sealed class AttestationStatement
{
    public string Version { get; set; } = "2026-1";

    public string Text { get; set; } =
        "I attest that, to the best of my knowledge after reasonable inquiry, this end customer is as described; that where it is a " +
        "U.S. federal executive agency or contractor, or spends universal-service or federal grant funds, the products registered are " +
        "not covered telecommunications equipment it is barred from buying; and that I will tell the vendor at once if this changes.";
}
