using System.Security.Claims;
using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>
/// Deals, filtered and paged, newest first. Scope is part of the query: a partner sees its own deals;
/// a distributor those it registered and those of resellers it serves; staff see all.
/// </summary>
public static class ListDeals
{
    public sealed record Answer(IReadOnlyList<Deal> Items, int Page, int PageSize, long Total);

    /// <summary>The deals aliased as the table itself, scoped to the caller and filtered (parameters from <see cref="Filters"/>).</summary>
    public const string Filter = $"""
        from deals
        where (@All or partner_id = @ScopePartner
               or distributor_id = @ScopeDistributor
               or partner_id in (select partner_id from reseller_authorizations where distributor_id = @ScopeDistributor and active))
          and (@Status::text is null or status = @Status)
          and (@PartnerId::uuid is null or partner_id = @PartnerId)
          and (@DistributorId::uuid is null or distributor_id = @DistributorId)
          and (@Region::text is null or customer_region = @Region)
          and (@Customer::text is null or customer_name ilike @Customer or customer_domain ilike @Customer)
          and (@CloseFrom::date is null or expected_close >= @CloseFrom)
          and (@CloseTo::date is null or expected_close <= @CloseTo)
          and (@ExpiringBy::timestamptz is null or (status = '{DealStatus.Approved}' and protection_ends_at <= @ExpiringBy))
        """;

    /// <summary>What the list may be sorted by.</summary>
    public static readonly ListSort Sorts = new("submitted", new Dictionary<string, string>
    {
        ["submitted"] = "submitted_at",
        ["value"] = "total_value",
        ["close"] = "expected_close",
        ["customer"] = "lower(customer_name)",
        ["status"] = "status",
        ["protection"] = "protection_ends_at",
    });

    static string Sql(string orderBy) => $"""
        select {Deals.Columns} {Filter}
        {orderBy}
        limit @PageSize offset @Offset;
        select count(*) {Filter};
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Answer>().ProducesValidationProblem().WithValues("status", [.. DealStatus.All]).WithSort(Sorts).WithSummary("List and filter deals");

    static async Task<IResult> Handle(ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct,
        string? status = null, Guid? partnerId = null, Guid? distributorId = null, string? region = null, string? customer = null,
        DateOnly? closeFrom = null, DateOnly? closeTo = null, int? expiringWithinDays = null, int? page = null, int? pageSize = null,
        string? sort = null, string? direction = null)
    {
        var check = new Check();
        Sorts.Check(check, sort, direction);
        var pageNumber = check.Range("page", page ?? 1, 1, 100_000) ?? 1;
        var size = check.Range("pageSize", pageSize ?? 50, 1, 500) ?? 50;
        var args = Filters(check, user, clock, status, partnerId, distributorId, region, customer, closeFrom, closeTo, expiringWithinDays);
        if (args is null) return check.Problem();
        args.Add("PageSize", size);
        args.Add("Offset", (pageNumber - 1) * size);
        await using var conn = await db.OpenConnectionAsync(ct);
        using var results = await conn.QueryMultipleAsync(new CommandDefinition(Sql(Sorts.OrderBy(sort, direction)), args, cancellationToken: ct));
        var items = (await results.ReadAsync<Deal>()).AsList();
        var total = await results.ReadSingleAsync<long>();
        return TypedResults.Ok(new Answer(items, pageNumber, size, total));
    }

    /// <summary>Checks the list's filters and gives the query's parameters with the caller's scope, or null (with the check failed).</summary>
    public static DynamicParameters? Filters(Check check, ClaimsPrincipal user, TimeProvider clock, string? status, Guid? partnerId, Guid? distributorId,
        string? region, string? customer, DateOnly? closeFrom, DateOnly? closeTo, int? expiringWithinDays)
    {
        check.OneOf("status", status, [.. DealStatus.All], required: false);
        check.Text("region", region, 100, required: false);
        check.Text("customer", customer, 200, required: false);
        check.Range("expiringWithinDays", expiringWithinDays, 0, 3650, required: false);
        if (closeFrom > closeTo) check.Add("closeTo", "must not be before closeFrom");
        if (check.Failed) return null;
        var caller = Caller.From(user);
        return new DynamicParameters(new
        {
            All = caller.SeesEverything,
            ScopePartner = caller.Role == Roles.Partner ? caller.PartnerId : null,
            ScopeDistributor = caller.Role == Roles.Distributor ? caller.DistributorId : null,
            Status = status,
            PartnerId = partnerId,
            DistributorId = distributorId,
            Region = region,
            Customer = Like.Containing(customer),
            CloseFrom = closeFrom,
            CloseTo = closeTo,
            ExpiringBy = expiringWithinDays is { } days ? clock.GetUtcNow().AddDays(days) : (DateTimeOffset?)null,
        });
    }
}
