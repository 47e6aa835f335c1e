using System.Security.Claims;
using System.Text.RegularExpressions;
using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>
/// A channel manager uploads a price list (CSV or JSON: <c>sku, product_family, list_price, distributor_cost, currency,
/// effective_from</c>). Every row is checked and the list is taken whole or not at all (400 naming each bad row's field).
/// A price for a SKU and date already in the book is replaced; PAs already issued keep the prices they were issued at.
/// The same list sent again answers the same. Approved deals still protected that have no PA (their lines had no book
/// price) are looked at again in the same transaction: those the new prices cover get their PA now.
/// </summary>
public static partial class UploadPriceList
{
    const string Rows = "prices";

    const string Insert = """
        insert into prices (sku, effective_from, product_family, list_price, distributor_cost, currency, price_list_id)
        select r.sku, r.effective_from, r.product_family, r.list_price, r.distributor_cost, r.currency, @Id
        from unnest(@Skus::text[], @Dates::date[], @Families::text[], @Lists::numeric[], @Costs::numeric[], @Currencies::text[])
            as r(sku, effective_from, product_family, list_price, distributor_cost, currency)
        on conflict (sku, effective_from) do update set product_family = excluded.product_family, list_price = excluded.list_price,
            distributor_cost = excluded.distributor_cost, currency = excluded.currency, price_list_id = excluded.price_list_id
        """;

    const string Waiting = $"""
        select d.id from deals d
        where d.status = '{DealStatus.Approved}' and d.protection_ends_at > @now
          and not exists (select 1 from authorizations a where a.deal_id = d.id)
        order by d.id
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/price-lists", Handle).RequireAuthorization(Policies.ChannelManager)
            .Accepts<object>("text/csv", "application/json").Produces<ListPriceLists.PriceListRow>(201).Produces<ListPriceLists.PriceListRow>(200).ProducesValidationProblem()
            .WithMetadata(new RequestSizeLimitAttribute(32 * 1024 * 1024))
            .WithSummary("Upload a price list (CSV or JSON)");

    sealed record Price(string Sku, DateOnly EffectiveFrom, string Family, decimal List, decimal Cost, string Currency);

    static async Task<IResult> Handle(HttpRequest http, ClaimsPrincipal user, NpgsqlDataSource db, Issuance issuance,
        TimeProvider clock, CancellationToken ct, string? name = null)
    {
        var check = new Check();
        var listName = check.Text("name", name, 200, required: false);
        var table = await Table.Read(http, Rows, 100_000, check, ct);
        if (table is null || check.Failed) return check.Problem("The price list cannot be taken.");
        var prices = new List<Price>();
        var seen = new HashSet<(string, DateOnly)>();
        foreach (var row in table.Rows)
        {
            var cells = new Cells(check, row, Rows);
            var sku = cells.Text("sku", 40);
            if (sku is not null && !SkuPattern().IsMatch(sku)) { cells.Add("sku", "must look like SW-4800-48P (letters, digits, '-', '.')"); sku = null; }
            var family = cells.Text("product_family", 60);
            var list = cells.Decimal("list_price", 0m, 1_000_000_000m);
            var cost = cells.Decimal("distributor_cost", 0m, 1_000_000_000m);
            var currency = cells.Currency("currency");
            var from = cells.Date("effective_from");
            if (list is not null && cost > list) cells.Add("distributor_cost", "must not be above the list price");
            if (sku is null || family is null || list is null || cost is null || currency is null || from is null) continue;
            if (!seen.Add((sku.ToUpperInvariant(), from.Value))) { cells.Add("sku", $"{sku} from {from:yyyy-MM-dd} appears twice in the list"); continue; }
            prices.Add(new Price(sku.ToUpperInvariant(), from.Value, family.ToLowerInvariant(), list.Value, cost.Value, currency));
        }
        if (check.Failed) return check.Problem("The price list cannot be taken.");

        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Two uploads of one list at once take turns: the second finds the first.
        await conn.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(hashtextextended('price-lists', 0))", transaction: tx, cancellationToken: ct));
        var earlier = await conn.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            "select id from price_lists where content_hash = @Hash", new { table.Hash }, tx, cancellationToken: ct));
        if (earlier is not null)
            return TypedResults.Ok(await conn.QuerySingleAsync<ListPriceLists.PriceListRow>(new CommandDefinition(ListPriceLists.One,
                new { Id = earlier }, tx, cancellationToken: ct)));
        var id = Guid.CreateVersion7();
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into price_lists (id, name, uploaded_by, uploaded_at, row_count, content_hash) values (@id, @Name, @Subject, @now, @Count, @Hash)
            """, new { id, Name = listName ?? $"Price list of {now:yyyy-MM-dd}", caller.Subject, now, prices.Count, table.Hash }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(Insert, new
        {
            Id = id,
            Skus = prices.Select(p => p.Sku).ToArray(),
            Dates = prices.Select(p => p.EffectiveFrom).ToArray(),
            Families = prices.Select(p => p.Family).ToArray(),
            Lists = prices.Select(p => p.List).ToArray(),
            Costs = prices.Select(p => p.Cost).ToArray(),
            Currencies = prices.Select(p => p.Currency).ToArray(),
        }, tx, cancellationToken: ct));
        foreach (var dealId in await conn.QueryAsync<Guid>(new CommandDefinition(Waiting, new { now }, tx, cancellationToken: ct)))
            await issuance.DealChanged(tx, dealId, now, ct);
        var answer = await conn.QuerySingleAsync<ListPriceLists.PriceListRow>(new CommandDefinition(ListPriceLists.One, new { Id = id }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/pricing/price-lists/{id}", answer);
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9.\-]{1,39}$")]
    private static partial Regex SkuPattern();
}
