namespace Channel.Partners.Screening;

/// <summary>The applicant screening list, from configuration (Screening:RestrictedParties).</summary>
public sealed class RestrictedParties(IConfiguration config)
{
    readonly RestrictedPartyList list = new(config.GetSection("Screening:RestrictedParties").Get<List<RestrictedParty>>() ?? []);

    /// <summary>Why the applicant matches, or null when it does not.</summary>
    public string? Match(string legalName, string domain) => list.Match(legalName, domain);
}
