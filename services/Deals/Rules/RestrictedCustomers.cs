using Channel.Hosting.Web;

namespace Channel.Deals.Rules;

/// <summary>An end customer a registration may not be approved for without compliance review.</summary>
public sealed class RestrictedCustomer
{
    public string Name { get; set; } = "";
    public string? Domain { get; set; }
    public string List { get; set; } = "restricted parties list";
}

/// <summary>
/// The end customers on the restricted list (Deals:RestrictedCustomers). A listed name found whole
/// inside the customer's normalised name matches, and a listed domain matches itself and its
/// subdomains. The Compliance service will take this over with versioned lists.
/// </summary>
public sealed class RestrictedCustomers(IEnumerable<RestrictedCustomer> listed)
{
    readonly List<(RestrictedCustomer Entry, string Name, string? Domain)> entries =
        [.. listed.Select(c => (c, CustomerNames.Normalize(c.Name), c.Domain is null ? null : Domains.Normalize(c.Domain)))];

    /// <summary>Why the customer matches, or null when it does not.</summary>
    public string? Match(string legalName, string? domain)
    {
        var name = CustomerNames.Normalize(legalName);
        var host = domain is null ? null : Domains.Normalize(domain);
        foreach (var (entry, listedName, listedDomain) in entries)
        {
            if (listedName.Length > 0 && CustomerNames.Contains(name, listedName))
                return $"name matches '{entry.Name}' on the {entry.List}";
            if (host is not null && listedDomain is not null && Domains.IsSameOrSubdomain(host, listedDomain))
                return $"domain matches {listedDomain} ('{entry.Name}') on the {entry.List}";
        }
        return null;
    }
}
