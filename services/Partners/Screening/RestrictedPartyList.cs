using Channel.Hosting.Web;

namespace Channel.Partners.Screening;

/// <summary>One entry of a denied or sanctioned parties list.</summary>
public sealed class RestrictedParty
{
    public string Name { get; set; } = "";
    public string? Domain { get; set; }
    public string List { get; set; } = "restricted parties list";
}

/// <summary>
/// Screens an organisation against a restricted-party list. Names are compared in their normalised
/// form (case, accents, punctuation and legal suffixes ignored) and a listed name found whole inside
/// the candidate's name is a match; domains match themselves and their subdomains.
/// </summary>
public sealed class RestrictedPartyList
{
    readonly List<(RestrictedParty Party, string Name, string? Domain)> entries;

    public RestrictedPartyList(IEnumerable<RestrictedParty> parties) =>
        entries = [.. parties.Select(p => (p, OrganisationNames.Normalize(p.Name), p.Domain is null ? null : Domains.Normalize(p.Domain)))];

    /// <summary>Why the organisation matches, or null when it does not.</summary>
    public string? Match(string legalName, string? domain)
    {
        var name = OrganisationNames.Normalize(legalName);
        var host = domain is null ? null : Domains.Normalize(domain);
        foreach (var (party, listedName, listedDomain) in entries)
        {
            if (listedName.Length > 0 && OrganisationNames.Contains(name, listedName))
                return $"name matches '{party.Name}' on the {party.List}";
            if (host is not null && listedDomain is not null && Domains.IsSameOrSubdomain(host, listedDomain))
                return $"domain matches {listedDomain} ('{party.Name}') on the {party.List}";
        }
        return null;
    }
}
