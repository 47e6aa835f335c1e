using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Pricing;

/// <summary>
/// Who sees which price authorization and claim: staff everything; a partner its own PAs (without the distributors'
/// costs) and no claims; a distributor the PAs it is eligible for (authorized for the reseller in the customer's
/// region, or it has claimed against them) and its own claims.
/// </summary>
public static class Scope
{
    /// <summary>The distributor <c>@ScopeDistributor</c> may serve the PA aliased <c>a</c>, or has claimed against it.</summary>
    public const string DistributorSeesAuthorization = """
        (exists (select 1 from reseller_authorizations r where r.distributor_id = @ScopeDistributor and r.partner_id = a.partner_id
                 and r.active and a.customer_region = any(r.regions))
         or exists (select 1 from claim_lines c where c.authorization_id = a.id and c.distributor_id = @ScopeDistributor))
        """;

    /// <summary>The distributor <c>@ScopeDistributor</c> is authorized for the reseller <c>@PartnerId</c> in <c>@Region</c>.</summary>
    public const string DistributorServes = """
        exists (select 1 from reseller_authorizations r where r.distributor_id = @ScopeDistributor and r.partner_id = @PartnerId
                and r.active and @Region = any(r.regions))
        """;

    /// <summary>The where-clause that scopes PAs aliased <c>a</c> to the caller (parameters <c>@ScopePartner</c>, <c>@ScopeDistributor</c>).</summary>
    public static string Authorizations(Caller caller) => caller.SeesEverything ? "true"
        : caller.Role == Roles.Partner && caller.PartnerId is not null ? "a.partner_id = @ScopePartner"
        : caller.Role == Roles.Distributor && caller.DistributorId is not null ? DistributorSeesAuthorization
        : "false";

    public static async Task<bool> MaySee(NpgsqlTransaction? tx, Caller caller, PriceAuthorization pa, CancellationToken ct, NpgsqlConnection? conn = null)
    {
        if (caller.SeesEverything) return true;
        if (caller.Role == Roles.Partner) return caller.PartnerId == pa.PartnerId;
        if (caller.Role != Roles.Distributor || caller.DistributorId is null) return false;
        return await (conn ?? tx!.Connection!).ExecuteScalarAsync<bool>(new CommandDefinition(
            $"select {DistributorSeesAuthorization} from authorizations a where a.id = @Id",
            new { ScopeDistributor = caller.DistributorId, pa.Id }, tx, cancellationToken: ct));
    }

    /// <summary>Whether the caller may see the claim: staff all, a distributor its own.</summary>
    public static bool MaySee(Caller caller, Claim claim) =>
        caller.SeesEverything || (caller.Role == Roles.Distributor && caller.DistributorId == claim.DistributorId);

    /// <summary>The distributors' book and net costs are theirs and the vendor's: a partner never sees them.</summary>
    public static bool SeesCosts(Caller caller) => caller.Role != Roles.Partner;

    public static IResult NoSuchAuthorization(object id) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
        title: "No such price authorization.", detail: $"Price authorization {id} was not found.");

    public static IResult NoSuchClaim(object id) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
        title: "No such claim.", detail: $"Claim {id} was not found.");
}
