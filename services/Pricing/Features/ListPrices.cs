using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>The price book as of a date (today by default), by SKU, filtered by family or SKU text, paged.</summary>
public static class ListPrices
{
    public sealed record Answer(IReadOnlyList<GetPrice.Price> Items, int Page, int PageSize, long Total);

    const string Current = $"""
        with current as ({GetPrice.AsOf} order by sku, effective_from desc)
        """;

    const string Filter = """
        from current where (@Family::text is null or product_family = @Family) and (@Q::text is null or sku ilike @Q)
        """;

    const string Sql = $"""
        {Current} select * {Filter} order by sku limit @PageSize offset @Offset;
        {Current} select count(*) {Filter};
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/prices", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Answer>().ProducesValidationProblem().WithSummary("The price book as of a date");

    static async Task<IResult> Handle(ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct,
        DateOnly? at = null, string? family = null, string? q = null, int? page = null, int? pageSize = null)
    {
        var check = new Check();
        check.Text("family", family, 60, required: false);
        check.Text("q", q, 40, required: false);
        var number = check.Range("page", page ?? 1, 1, 100_000) ?? 1;
        var size = check.Range("pageSize", pageSize ?? 50, 1, 500) ?? 50;
        if (check.Failed) return check.Problem();
        await using var conn = await db.OpenSnapshotAsync(ct);
        using var results = await conn.QueryMultipleAsync(new CommandDefinition(Sql, new
        {
            At = at ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime),
            Family = family?.ToLowerInvariant(),
            Q = Like.Containing(q),
            PageSize = size,
            Offset = (number - 1) * size,
        }, cancellationToken: ct));
        var items = (await results.ReadAsync<GetPrice.Price>()).ToList();
        var total = await results.ReadSingleAsync<long>();
        var costs = Scope.SeesCosts(Caller.From(user));
        return TypedResults.Ok(new Answer([.. items.Select(p => costs ? p : GetPrice.Hide(p))], number, size, total));
    }
}
