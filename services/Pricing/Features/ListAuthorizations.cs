using System.Security.Claims;
using Channel.Contracts.Pricing;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>
/// Price authorizations, filtered and paged, newest first. Scope is part of the query: a partner sees its own (without
/// the distributors' costs), a distributor those it is eligible for or has claimed against, staff all.
/// </summary>
public static class ListAuthorizations
{
    public sealed record Answer(IReadOnlyList<AuthorizationView> Items, int Page, int PageSize, long Total);

    static string Filter(Caller caller) => $"""
        from authorizations a
        where {Scope.Authorizations(caller)}
          and (@DealId::uuid is null or a.deal_id = @DealId)
          and (@PartnerId::uuid is null or a.partner_id = @PartnerId)
          and (@Status::text is null or a.status = @Status)
          and (@Number::text is null or a.number = @Number)
          and (@Customer::text is null or a.customer_name ilike @Customer)
          and (@DistributorId::uuid is null or exists (select 1 from reseller_authorizations r where r.distributor_id = @DistributorId
                 and r.partner_id = a.partner_id and r.active and a.customer_region = any(r.regions)))
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/authorizations", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Answer>().ProducesValidationProblem().WithValues("status", [.. PriceAuthorizationStatus.All]).WithSummary("List and filter price authorizations");

    static async Task<IResult> Handle(ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct, Guid? dealId = null, Guid? partnerId = null,
        Guid? distributorId = null, string? status = null, string? number = null, string? customer = null, int? page = null, int? pageSize = null)
    {
        var check = new Check();
        check.OneOf("status", status, [.. PriceAuthorizationStatus.All], required: false);
        check.Text("number", number, 40, required: false);
        check.Text("customer", customer, 200, required: false);
        var pageNumber = check.Range("page", page ?? 1, 1, 100_000) ?? 1;
        var size = check.Range("pageSize", pageSize ?? 50, 1, 500) ?? 50;
        if (check.Failed) return check.Problem();
        var caller = Caller.From(user);
        var filter = Filter(caller);
        await using var conn = await db.OpenSnapshotAsync(ct);
        using var results = await conn.QueryMultipleAsync(new CommandDefinition($"""
            select {Ledger.WithLines} {filter} order by a.issued_at desc, a.id desc limit @PageSize offset @Offset;
            select count(*) {filter};
            """, new
        {
            ScopePartner = caller.PartnerId,
            ScopeDistributor = caller.DistributorId,
            DealId = dealId,
            PartnerId = partnerId,
            DistributorId = distributorId,
            Status = status,
            Number = number,
            Customer = Like.Containing(customer),
            PageSize = size,
            Offset = (pageNumber - 1) * size,
        }, cancellationToken: ct));
        var items = (await results.ReadAsync<PriceAuthorization>()).Select(a => AuthorizationView.Of(a, caller)).ToList();
        return TypedResults.Ok(new Answer(items, pageNumber, size, await results.ReadSingleAsync<long>()));
    }
}
