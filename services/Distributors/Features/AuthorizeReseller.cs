using System.Security.Claims;
using Channel.Contracts.Distributors;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Distributors.Features;

/// <summary>
/// A channel manager authorizes a distributor to serve an active partner in some of the regions the
/// distributor serves. Authorizing again changes the regions (or restores a revoked authorization)
/// as the authorization's next version.
/// </summary>
public static class AuthorizeReseller
{
    public sealed record Request(Guid? PartnerId, List<string>? Regions);

    const string Upsert = """
        insert into authorizations (id, distributor_id, partner_id, regions, active, authorized_at, authorized_by, version)
        values (@Id, @DistributorId, @PartnerId, @Regions, true, @Now, @Actor, 1)
        on conflict (distributor_id, partner_id) do update
            set regions = excluded.regions, active = true, authorized_at = excluded.authorized_at, authorized_by = excluded.authorized_by,
                revoked_at = null, revoked_by = null, revoke_reason = null, version = authorizations.version + 1
            where not authorizations.active or authorizations.regions <> excluded.regions
        returning id, distributor_id, partner_id, regions, active, authorized_at, authorized_by, revoked_at, revoked_by, revoke_reason, version
        """;

    const string Existing = """
        select id, distributor_id, partner_id, regions, active, authorized_at, authorized_by, revoked_at, revoked_by, revoke_reason, version
        from authorizations where distributor_id = @DistributorId and partner_id = @PartnerId
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/authorizations", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Authorization>(StatusCodes.Status201Created).Produces<Authorization>().ProducesValidationProblem()
            .ProducesProblem(404).ProducesProblem(409).WithSummary("Authorize a distributor to serve a partner in some regions");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Outbox outbox, TimeProvider clock,
        CancellationToken ct)
    {
        var check = new Check();
        if (request.PartnerId is null) check.Add("partnerId", "is required");
        var regions = OnboardDistributor.Regions(check, "regions", request.Regions);
        if (check.Failed) return check.Problem();

        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var served = await conn.QuerySingleOrDefaultAsync<string[]>(new CommandDefinition(
            "select regions from distributors where id = @id for share", new { id }, tx, cancellationToken: ct));
        if (served is null) return Distributors.NotFound("distributor", id);
        var wanted = regions!;
        var outside = wanted.Except(served).ToList();
        if (outside.Count > 0)
        {
            check.Add("regions", $"the distributor does not serve {string.Join(", ", outside)} (it serves {string.Join(", ", served)})");
            return check.Problem();
        }
        var status = await conn.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "select status from partners where id = @PartnerId", new { request.PartnerId }, tx, cancellationToken: ct));
        if (status != "active")
            return TypedResults.Problem(statusCode: 409, title: "Only an active partner can be authorized.",
                detail: status is null ? $"Partner {request.PartnerId} is not known as active." : $"Partner {request.PartnerId} is {status}.",
                extensions: new Dictionary<string, object?> { ["partnerStatus"] = status });

        var args = new { Id = Guid.CreateVersion7(), DistributorId = id, request.PartnerId, Regions = wanted.Order().ToArray(), Now = now, Actor = caller.Subject };
        var authorization = await conn.QuerySingleOrDefaultAsync<Authorization>(new CommandDefinition(Upsert, args, tx, cancellationToken: ct));
        if (authorization is null) // already active with these regions: nothing changes
            return TypedResults.Ok(await conn.QuerySingleAsync<Authorization>(new CommandDefinition(Existing, args, tx, cancellationToken: ct)));
        await outbox.Add(tx, new ResellerAuthorized
        {
            AuthorizationId = authorization.Id,
            DistributorId = id,
            PartnerId = authorization.PartnerId,
            Version = authorization.Version,
            OccurredAt = now,
            Regions = authorization.Regions,
            Actor = caller.Subject,
        }, ct);
        await tx.CommitAsync(ct);
        return authorization.Version == 1
            ? TypedResults.Created($"/api/distributors/{id}/resellers", authorization)
            : TypedResults.Ok(authorization);
    }
}
