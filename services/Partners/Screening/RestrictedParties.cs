using Channel.Hosting.Text;

namespace Channel.Partners.Screening;

/// <summary>One entry of a denied or sanctioned parties list (configuration: Screening:RestrictedParties).</summary>
public sealed class RestrictedParty
{
    public string Name { get; set; } = "";
    public string? Domain { get; set; }
    public string List { get; set; } = "restricted parties";
}

/// <summary>
/// Screens applicants against the configured restricted-party list. Names are compared in their
/// normalised form (case, accents, punctuation and legal suffixes ignored) and a listed name found
/// whole inside the applicant's name is a match; domains match themselves and their subdomains.
/// </summary>
public sealed class RestrictedParties
{
    readonly List<(RestrictedParty Party, string Name, string? Domain)> entries;

    public RestrictedParties(IConfiguration config)
    {
        var list = config.GetSection("Screening:RestrictedParties").Get<List<RestrictedParty>>() ?? [];
        entries = [.. list.Select(p => (p, Names.Normalize(p.Name), p.Domain is null ? null : Names.Domain(p.Domain)))];
    }

    public int Count => entries.Count;

    /// <summary>Why the applicant matches, or null when it does not.</summary>
    public string? Match(string legalName, string domain)
    {
        var name = Names.Normalize(legalName);
        var host = Names.Domain(domain);
        foreach (var (party, listedName, listedDomain) in entries)
        {
            if (listedName.Length > 0 && Names.Contains(name, listedName))
                return $"name matches '{party.Name}' on the {party.List}";
            if (listedDomain is not null && Names.IsSameOrSubdomain(host, listedDomain))
                return $"domain matches {listedDomain} ('{party.Name}') on the {party.List}";
        }
        return null;
    }
}
