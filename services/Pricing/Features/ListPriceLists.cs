using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>The price lists uploaded, newest first, with what each covers.</summary>
public static class ListPriceLists
{
    const string Columns = """
        l.id, l.name, l.row_count as rows, (select count(distinct p.sku) from prices p where p.price_list_id = l.id)::int as skus,
        (select min(p.effective_from) from prices p where p.price_list_id = l.id) as first_effective,
        (select max(p.effective_from) from prices p where p.price_list_id = l.id) as last_effective,
        l.uploaded_at, l.uploaded_by
        """;

    public const string One = $"select {Columns} from price_lists l where l.id = @Id";

    const string All = $"select {Columns} from price_lists l order by l.uploaded_at desc limit 200";

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/price-lists", async (NpgsqlDataSource db, CancellationToken ct) =>
            {
                await using var conn = await db.OpenConnectionAsync(ct);
                return TypedResults.Ok(await conn.QueryAsync<PriceListRow>(new CommandDefinition(All, cancellationToken: ct)));
            })
            .RequireAuthorization(Policies.Staff).Produces<PriceListRow[]>().WithSummary("The price lists uploaded (the latest 200)");

    public sealed class PriceListRow
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
        public int Rows { get; init; }
        public int Skus { get; init; }
        public DateOnly? FirstEffective { get; init; }
        public DateOnly? LastEffective { get; init; }
        public DateTimeOffset UploadedAt { get; init; }
        public string UploadedBy { get; init; } = "";
    }
}
