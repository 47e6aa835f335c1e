namespace Channel.Hosting.Web;

/// <summary>Internet domains as people type them: case and a leading "www." do not make two different.</summary>
public static class Domains
{
    /// <summary>A domain without a leading "www." or a trailing dot, lower case.</summary>
    public static string Normalize(string domain)
    {
        var d = domain.Trim().TrimEnd('.').ToLowerInvariant();
        return d.StartsWith("www.", StringComparison.Ordinal) ? d[4..] : d;
    }

    /// <summary>True when <paramref name="domain"/> is <paramref name="parent"/> or one of its subdomains.</summary>
    public static bool IsSameOrSubdomain(string domain, string parent) =>
        domain == parent || domain.EndsWith("." + parent, StringComparison.Ordinal);
}
