using System.Security.Claims;
using Channel.Contracts.Distributors;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Distributors.Features;

/// <summary>
/// A channel manager authorizes a distributor to serve an active partner in some of the regions the
/// distributor serves. Authorizing again changes the regions (or restores a revoked authorization)
/// as the authorization's next version. The partner's row in this service's copy is read with a
/// share lock, so a suspension being applied at the same moment either waits for this grant (and
/// then ends it) or is seen by it (and the grant is refused).
/// </summary>
public static class AuthorizeReseller
{
    public sealed record Request(Guid? PartnerId, List<string>? Regions);

    sealed class PartnerCopy
    {
        public string Status { get; set; } = "";
        public int Version { get; set; }
    }

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/authorizations", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Authorization>(StatusCodes.Status201Created).Produces<Authorization>().ProducesValidationProblem()
            .ProducesProblem(404).ProducesProblem(409).WithSummary("Authorize a distributor to serve a partner in some regions");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Distributors distributors,
        TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        if (request.PartnerId is null) check.Add("partnerId", "is required");
        var regions = OnboardDistributor.Regions(check, "regions", request.Regions);
        if (check.Failed) return check.Problem();

        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var found = await conn.QuerySingleOrDefaultAsync<Served>(new CommandDefinition(
            "select regions, status from distributors where id = @id for share", new { id }, tx, cancellationToken: ct));
        if (found is null) return Distributors.NotFound("distributor", id);
        if (found.Status != DistributorStatus.Active) return Distributors.NotActive(found.Status);
        var served = found.Regions;
        var outside = regions!.Except(served).ToList();
        if (outside.Count > 0)
        {
            check.Add("regions", $"the distributor does not serve {string.Join(", ", outside)} (it serves {string.Join(", ", served)})");
            return check.Problem();
        }
        var partner = await conn.QuerySingleOrDefaultAsync<PartnerCopy>(new CommandDefinition(
            "select status, version from partners where id = @PartnerId for share", new { request.PartnerId }, tx, cancellationToken: ct));
        if (partner?.Status != PartnerStatus.Active)
            return TypedResults.Problem(statusCode: 409, title: "Only an active partner can be authorized.",
                detail: partner is null ? $"Partner {request.PartnerId} is not known as active." : $"Partner {request.PartnerId} is {partner.Status}.",
                extensions: new Dictionary<string, object?> { ["partnerStatus"] = partner?.Status });

        var current = await Distributors.LockAuthorization(tx, id, request.PartnerId!.Value, ct) ?? Authorization.New(id, request.PartnerId.Value);
        var grant = current.Grant([.. regions!.Order()], partner.Version, caller.Subject, now);
        if (grant is not Moved<Authorization> move) return TypedResults.Ok(current); // already active with these regions: nothing changes
        var saved = await distributors.Commit(tx, current, move, ct);
        await tx.CommitAsync(ct);
        return saved.Version == 1
            ? TypedResults.Created($"/api/distributors/{id}/resellers", saved)
            : TypedResults.Ok(saved);
    }

    sealed class Served
    {
        public string[] Regions { get; set; } = [];
        public string Status { get; set; } = "";
    }
}
