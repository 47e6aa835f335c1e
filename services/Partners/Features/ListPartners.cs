using System.Security.Claims;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>
/// Partners, filtered by status, tier, type, country, region and text (name or domain), newest first,
/// paged. Staff see all; a partner user only its own; a distributor the partners it serves or has
/// served, as summaries (no tax ids or contacts); a token scoped to no partner or distributor, none.
/// </summary>
public static class ListPartners
{
    public sealed record Answer<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

    const string Filter = $"""
        from partners
        where (@Status::text is null or status = @Status)
          and (@Tier::text is null or tier = @Tier)
          and (@Type::text is null or partner_type = @Type)
          and (@Country::text is null or country = @Country)
          and (@Region::text is null or region = @Region)
          and (@Search::text is null or legal_name ilike @Search or website_domain ilike @Search)
          and (@All or id = @ScopePartner or id in ({Partners.ServedBy}))
        """;

    const string Sql = $"""
        select {Partners.Columns} {Filter}
        order by applied_at desc, id
        limit @PageSize offset @Offset;
        select count(*) {Filter};
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Answer<Partner>>().ProducesValidationProblem().WithSummary("List and filter partners");

    static async Task<IResult> Handle(ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct,
        string? status = null, string? tier = null, string? type = null, string? country = null, string? region = null,
        string? q = null, int? page = null, int? pageSize = null)
    {
        var check = new Check();
        check.OneOf("status", status, [.. PartnerStatus.All], required: false);
        check.OneOf("tier", tier, [.. PartnerTier.All], required: false);
        check.OneOf("type", type, PartnerTypes.All, required: false);
        country = check.Country("country", country, required: false);
        check.Text("region", region, 100, required: false);
        check.Text("q", q, 200, required: false);
        var pageNumber = check.Range("page", page ?? 1, 1, 100_000) ?? 1;
        var size = check.Range("pageSize", pageSize ?? 50, 1, 500) ?? 50;
        if (check.Failed) return check.Problem();

        var caller = Caller.From(user);
        await using var conn = await db.OpenConnectionAsync(ct);
        using var results = await conn.QueryMultipleAsync(new CommandDefinition(Sql, new
        {
            Status = status,
            Tier = tier,
            Type = type,
            Country = country,
            Region = region,
            Search = q is null ? null : $"%{EscapeLike(q)}%",
            All = caller.SeesEverything,
            ScopePartner = caller.PartnerId,
            ScopeDistributor = caller.DistributorId,
            PageSize = size,
            Offset = (pageNumber - 1) * size,
        }, cancellationToken: ct));
        var items = (await results.ReadAsync<Partner>()).AsList();
        var total = await results.ReadSingleAsync<long>();
        return caller.Role == Roles.Distributor
            ? TypedResults.Ok(new Answer<PartnerSummary>([.. items.Select(PartnerSummary.Of)], pageNumber, size, total))
            : TypedResults.Ok(new Answer<Partner>(items, pageNumber, size, total));
    }

    static string EscapeLike(string text) => text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
