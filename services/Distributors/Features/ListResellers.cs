using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Distributors.Features;

/// <summary>
/// Who a distributor may serve (for staff and the distributor: searched by name or id, paged, the active
/// ones first), and which distributors serve a partner (for staff and the partner itself).
/// </summary>
public static class ListResellers
{
    const string Select = """
        select a.id, a.distributor_id, a.partner_id, p.legal_name as partner_name, d.name as distributor_name, a.regions, a.active,
               a.authorized_at, a.authorized_by, a.revoked_at, a.revoked_by, a.revoke_reason, a.version
        from authorizations a join distributors d on d.id = a.distributor_id left join partners p on p.id = a.partner_id
        """;

    public sealed record Answer(IReadOnlyList<Authorization> Items, int Page, int PageSize, long Total);

    const string ResellerFilter = """
        where a.distributor_id = @id and (a.active or @includeRevoked)
          and (@Search::text is null or p.legal_name ilike @Search or a.partner_id::text = @Exact)
        """;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/{id:guid}/resellers", Resellers).RequireAuthorization(Policies.Authenticated)
            .Produces<Answer>().ProducesValidationProblem().ProducesProblem(404)
            .WithSummary("The resellers a distributor is authorized to serve, by name, searched and paged");
        api.MapGet("/partners/{partnerId:guid}", DistributorsOf).RequireAuthorization(Policies.Authenticated)
            .Produces<Authorization[]>().ProducesProblem(404).WithSummary("The distributors authorized to serve a partner");
    }

    static async Task<IResult> Resellers(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct, bool includeRevoked = false,
        string? q = null, int? page = null, int? pageSize = null)
    {
        if (!Distributors.MayActFor(Caller.From(user), id)) return Distributors.NotFound("distributor", id);
        var check = new Check();
        check.Text("q", q, 200, required: false);
        var pageNumber = check.Range("page", page ?? 1, 1, 100_000) ?? 1;
        var size = check.Range("pageSize", pageSize ?? 100, 1, 500) ?? 100;
        if (check.Failed) return check.Problem();
        await using var conn = await db.OpenSnapshotAsync(ct);
        if (!await conn.ExecuteScalarAsync<bool>(new CommandDefinition("select exists (select 1 from distributors where id = @id)", new { id }, cancellationToken: ct)))
            return Distributors.NotFound("distributor", id);
        var args = new { id, includeRevoked, Search = Like.Containing(q), Exact = q?.Trim().ToLowerInvariant(), PageSize = size, Offset = (pageNumber - 1) * size };
        using var results = await conn.QueryMultipleAsync(new CommandDefinition($"""
            {Select} {ResellerFilter} order by a.active desc, lower(p.legal_name), a.partner_id limit @PageSize offset @Offset;
            select count(*) from authorizations a left join partners p on p.id = a.partner_id {ResellerFilter};
            """, args, cancellationToken: ct));
        var items = (await results.ReadAsync<Authorization>()).AsList();
        return TypedResults.Ok(new Answer(items, pageNumber, size, await results.ReadSingleAsync<long>()));
    }

    static async Task<IResult> DistributorsOf(Guid partnerId, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (!caller.SeesEverything && !(caller.Role == Roles.Partner && caller.PartnerId == partnerId))
            return Distributors.NotFound("partner", partnerId);
        await using var conn = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok(await conn.QueryAsync<Authorization>(new CommandDefinition(
            $"{Select} where a.partner_id = @partnerId and a.active order by d.name", new { partnerId }, cancellationToken: ct)));
    }
}
