using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>
/// An operator asks for every deal's current state to be published again (a service deployed after
/// the Deals service, or one that lost its copy, catches up): one DealStateReplayed per deal at its
/// current version, applied by readers like any deal event (by version: an up-to-date reader changes
/// nothing). Written through the outbox a page at a time.
/// </summary>
public static class ReplayDealState
{
    const string Page = $"select {Deals.WithLines} from deals d where d.id > @After order by d.id limit 1000";

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/admin/replay", Handle).RequireAuthorization(Policies.Admin).WithTags("operations")
            .WithSummary("Publish every deal's current state again, for readers that start late");

    static async Task<IResult> Handle(NpgsqlDataSource db, Deals deals, TimeProvider clock, CancellationToken ct)
    {
        var after = Guid.Empty;
        var replayed = 0;
        await using var conn = await db.OpenConnectionAsync(ct);
        while (true)
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            var page = (await conn.QueryAsync<Deal>(new CommandDefinition(Page, new { After = after }, tx, cancellationToken: ct))).AsList();
            if (page.Count == 0) break;
            await deals.Replay(tx, page, clock.GetUtcNow(), ct);
            await tx.CommitAsync(ct);
            replayed += page.Count;
            after = page[^1].Id;
        }
        return TypedResults.Ok(new { replayed });
    }
}
