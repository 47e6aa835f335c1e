using System.Security.Claims;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>
/// Partners, filtered by status (one or several: <c>status=applied&amp;status=on_hold</c>), tier, type, country, region and
/// text (name or domain), sorted by any column (newest application first by default), paged. Staff see all; a partner user
/// only its own; a distributor the partners it serves or has served, as summaries (no tax ids or contacts); a token
/// scoped to no partner or distributor, none.
/// </summary>
public static class ListPartners
{
    public sealed record Answer<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

    /// <summary>The partners the caller may see that the filters give (parameters from <see cref="Filters"/>).</summary>
    public const string Filter = $"""
        from partners
        where (@Statuses::text[] is null or status = any(@Statuses))
          and (@Tier::text is null or tier = @Tier)
          and (@Type::text is null or partner_type = @Type)
          and (@Country::text is null or country = @Country)
          and (@Region::text is null or region = @Region)
          and (@Search::text is null or legal_name ilike @Search or website_domain ilike @Search)
          and (@All or id = @ScopePartner or id in ({Partners.ServedBy}))
        """;

    /// <summary>What the list may be sorted by.</summary>
    public static readonly ListSort Sorts = new("applied", new Dictionary<string, string>
    {
        ["applied"] = "applied_at",
        ["name"] = "lower(legal_name)",
        ["region"] = "country || '-' || region",
        ["type"] = "partner_type",
        ["tier"] = "array_position(array['registered','silver','gold','platinum'], tier)",
        ["status"] = "status",
        ["updated"] = "updated_at",
    });

    /// <summary>Declares the list's filters' values and its sort in the OpenAPI document.</summary>
    public static RouteHandlerBuilder WithFilters(this RouteHandlerBuilder route) =>
        route.WithSort(Sorts).WithValues("status", [.. PartnerStatus.All]).WithValues("tier", [.. PartnerTier.All]).WithValues("type", PartnerTypes.All);

    static string Sql(string orderBy) => $"""
        select {Partners.Columns} {Filter}
        {orderBy}
        limit @PageSize offset @Offset;
        select count(*) {Filter};
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Answer<Partner>>().ProducesValidationProblem().WithFilters().WithSummary("List, filter and sort partners");

    static async Task<IResult> Handle(ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct,
        string[]? status = null, string? tier = null, string? type = null, string? country = null, string? region = null,
        string? q = null, string? sort = null, string? direction = null, int? page = null, int? pageSize = null)
    {
        var check = new Check();
        Sorts.Check(check, sort, direction);
        var pageNumber = check.Range("page", page ?? 1, 1, 100_000) ?? 1;
        var size = check.Range("pageSize", pageSize ?? 50, 1, 500) ?? 50;
        var args = Filters(check, user, status, tier, type, country, region, q);
        if (args is null) return check.Problem();
        args.Add("PageSize", size);
        args.Add("Offset", (pageNumber - 1) * size);
        await using var conn = await db.OpenSnapshotAsync(ct);
        using var results = await conn.QueryMultipleAsync(new CommandDefinition(Sql(Sorts.OrderBy(sort, direction)), args, cancellationToken: ct));
        var items = (await results.ReadAsync<Partner>()).AsList();
        var total = await results.ReadSingleAsync<long>();
        return Caller.From(user).Role == Roles.Distributor
            ? TypedResults.Ok(new Answer<PartnerSummary>([.. items.Select(PartnerSummary.Of)], pageNumber, size, total))
            : TypedResults.Ok(new Answer<Partner>(items, pageNumber, size, total));
    }

    /// <summary>Checks the list's filters and gives the query's parameters with the caller's scope, or null (with the check failed).</summary>
    public static DynamicParameters? Filters(Check check, ClaimsPrincipal user, string[]? status, string? tier, string? type,
        string? country, string? region, string? q)
    {
        var statuses = status?.Where(s => !string.IsNullOrEmpty(s)).ToArray() is { Length: > 0 } chosen ? chosen : null;
        foreach (var one in statuses ?? []) check.OneOf("status", one, [.. PartnerStatus.All]);
        check.OneOf("tier", tier, [.. PartnerTier.All], required: false);
        check.OneOf("type", type, PartnerTypes.All, required: false);
        country = check.Country("country", country, required: false);
        check.Text("region", region, 100, required: false);
        check.Text("q", q, 200, required: false);
        if (check.Failed) return null;
        var caller = Caller.From(user);
        return new DynamicParameters(new
        {
            Statuses = statuses,
            Tier = tier,
            Type = type,
            Country = country,
            Region = region,
            Search = Like.Containing(q),
            All = caller.SeesEverything,
            ScopePartner = caller.PartnerId,
            ScopeDistributor = caller.DistributorId,
        });
    }
}
