using System.Security.Claims;
using Channel.Contracts.Deals;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
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
          and (not @OnlyOpen or status in ('{DealStatus.Submitted}', '{DealStatus.ComplianceReview}', '{DealStatus.Approved}', '{DealStatus.Returned}'))
          and (@SubmittedFrom::date is null or submitted_at >= @SubmittedFrom::date)
          and (@SubmittedTo::date is null or submitted_at < @SubmittedTo::date + 1)
          and (@PartnerTier::text is null or partner_id in (select id from partners where tier = @PartnerTier))
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
            .Produces<Answer>().ProducesValidationProblem().WithValues("status", [.. DealStatus.All]).WithValues("partnerTier", [.. PartnerTier.All]).WithSort(Sorts).WithSummary("List and filter deals");

    static async Task<IResult> Handle(ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct,
        string? status = null, Guid? partnerId = null, Guid? distributorId = null, string? region = null, string? customer = null,
        DateOnly? closeFrom = null, DateOnly? closeTo = null, int? expiringWithinDays = null, bool? open = null, DateOnly? submittedFrom = null,
        DateOnly? submittedTo = null, string? partnerTier = null, int? page = null, int? pageSize = null, string? sort = null, string? direction = null)
    {
        var check = new Check();
        Sorts.Check(check, sort, direction);
        var pageNumber = check.Range("page", page ?? 1, 1, 100_000) ?? 1;
        var size = check.Range("pageSize", pageSize ?? 50, 1, 500) ?? 50;
        var args = Filters(check, user, clock, new(status, partnerId, distributorId, region, customer, closeFrom, closeTo, expiringWithinDays,
            open, submittedFrom, submittedTo, partnerTier));
        if (args is null) return check.Problem();
        args.Add("PageSize", size);
        args.Add("Offset", (pageNumber - 1) * size);
        await using var conn = await db.OpenSnapshotAsync(ct);
        using var results = await conn.QueryMultipleAsync(new CommandDefinition(Sql(Sorts.OrderBy(sort, direction)), args, cancellationToken: ct));
        var items = (await results.ReadAsync<Deal>()).AsList();
        var total = await results.ReadSingleAsync<long>();
        return TypedResults.Ok(new Answer(items, pageNumber, size, total));
    }

    /// <summary>
    /// What a deal list is filtered by: status; partner; distributor; customer region; customer name or domain; expected close
    /// between two dates; protection ending within so many days; open only (submitted, in compliance review, approved or
    /// returned: what the pipeline counts as open); submitted between two dates (inclusive); the partner's tier.
    /// </summary>
    public sealed record Criteria(string? Status, Guid? PartnerId, Guid? DistributorId, string? Region, string? Customer, DateOnly? CloseFrom,
        DateOnly? CloseTo, int? ExpiringWithinDays, bool? Open, DateOnly? SubmittedFrom, DateOnly? SubmittedTo, string? PartnerTier);

    /// <summary>Checks the list's filters and gives the query's parameters with the caller's scope, or null (with the check failed).</summary>
    public static DynamicParameters? Filters(Check check, ClaimsPrincipal user, TimeProvider clock, Criteria c)
    {
        check.OneOf("status", c.Status, [.. DealStatus.All], required: false);
        check.OneOf("partnerTier", c.PartnerTier, [.. PartnerTier.All], required: false);
        check.Text("region", c.Region, 100, required: false);
        check.Text("customer", c.Customer, 200, required: false);
        check.Range("expiringWithinDays", c.ExpiringWithinDays, 0, 3650, required: false);
        if (c.CloseFrom > c.CloseTo) check.Add("closeTo", "must not be before closeFrom");
        if (c.SubmittedFrom > c.SubmittedTo) check.Add("submittedTo", "must not be before submittedFrom");
        if (check.Failed) return null;
        var caller = Caller.From(user);
        return new DynamicParameters(new
        {
            All = caller.SeesEverything,
            ScopePartner = caller.Role == Roles.Partner ? caller.PartnerId : null,
            ScopeDistributor = caller.Role == Roles.Distributor ? caller.DistributorId : null,
            c.Status,
            c.PartnerId,
            c.DistributorId,
            c.Region,
            Customer = Like.Containing(c.Customer),
            c.CloseFrom,
            c.CloseTo,
            ExpiringBy = c.ExpiringWithinDays is { } days ? clock.GetUtcNow().AddDays(days) : (DateTimeOffset?)null,
            OnlyOpen = c.Open == true,
            c.SubmittedFrom,
            c.SubmittedTo,
            c.PartnerTier,
        });
    }
}
