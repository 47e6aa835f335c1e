using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>
/// A SKU's price as of a date (today when none is given): the latest price on or before it. Anyone signed in may look a
/// price up; the distributor cost is shown to staff and distributors, never to a partner.
/// </summary>
public static class GetPrice
{
    public sealed class Price
    {
        public string Sku { get; init; } = "";
        public string ProductFamily { get; init; } = "";
        public decimal ListPrice { get; init; }
        public decimal? DistributorCost { get; init; }
        public string Currency { get; init; } = "";
        public DateOnly EffectiveFrom { get; init; }
    }

    public const string AsOf = """
        select distinct on (sku) sku, product_family, list_price, distributor_cost, currency, effective_from
        from prices where effective_from <= @At
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/prices/{sku}", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Price>().ProducesValidationProblem().ProducesProblem(404).WithSummary("A SKU's price as of a date");

    static async Task<IResult> Handle(string sku, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct, DateOnly? at = null)
    {
        var check = new Check();
        var text = check.Text("sku", sku, 40);
        if (check.Failed) return check.Problem();
        var day = at ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        await using var conn = await db.OpenConnectionAsync(ct);
        var price = await conn.QuerySingleOrDefaultAsync<Price>(new CommandDefinition(
            $"{AsOf} and sku = @Sku order by sku, effective_from desc", new { Sku = text!.ToUpperInvariant(), At = day }, cancellationToken: ct));
        if (price is null)
            return TypedResults.Problem(statusCode: 404, title: "No such price.", detail: $"The price book has no price for {text} on {day:yyyy-MM-dd}.");
        return TypedResults.Ok(Scope.SeesCosts(Caller.From(user)) ? price : Hide(price));
    }

    public static Price Hide(Price p) => new()
    {
        Sku = p.Sku,
        ProductFamily = p.ProductFamily,
        ListPrice = p.ListPrice,
        Currency = p.Currency,
        EffectiveFrom = p.EffectiveFrom,
    };
}
