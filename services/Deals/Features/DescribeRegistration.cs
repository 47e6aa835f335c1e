using Channel.Deals.Rules;
using Channel.Hosting.Auth;

namespace Channel.Deals.Features;

/// <summary>
/// What a registration form offers: the product families, the SKU prefixes that name them (a SKU's family is read from
/// the part before its first '-', as the service reads it), the customer sectors, types and funding sources (and which of them need the registrant's public-sector attestation), and the program's protection and
/// extension terms — so a form fills in the family as the SKU is typed and says what registering earns.
/// </summary>
public static class DescribeRegistration
{
    public sealed record Answer(IReadOnlyList<string> ProductFamilies, IReadOnlyDictionary<string, string> SkuPrefixes, IReadOnlyList<string> Sectors,
        int ProtectionDays, int ExtensionDays, int MaxExtensions, IReadOnlyList<string> CustomerTypes, IReadOnlyList<string> FundingSources,
        IReadOnlyList<string> PublicSectorTypes, IReadOnlyList<string> PublicFunds);

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/registration-form", (DealRules rules) => TypedResults.Ok(new Answer(
                [.. rules.ProductFamilies.Values.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)],
                rules.ProductFamilies.ToDictionary(p => p.Key.ToUpperInvariant(), p => p.Value),
                Channel.Deals.Sectors.All, rules.ProtectionDays, rules.ExtensionDays, rules.MaxExtensions,
                Channel.Contracts.Compliance.CustomerTypes.All, Channel.Contracts.Compliance.FundingSources.All,
                Channel.Contracts.Compliance.CustomerTypes.PublicSector, Channel.Contracts.Compliance.FundingSources.Public)))
            .RequireAuthorization(Policies.Authenticated)
            .Produces<Answer>().WithSummary("What a registration form offers: families, SKU prefixes, sectors, protection terms");
}
