using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>
/// An operator asks for every price authorization's current state to be published again (a reader deployed later, or
/// one that lost its copy, catches up): one PriceAuthorizationStateReplayed per PA at its current version, applied by
/// version. Written through the outbox a page at a time.
/// </summary>
public static class ReplayAuthorizationState
{
    const string Page = $"select {Ledger.WithLines} from authorizations a where a.id > @After order by a.id limit 500";

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/admin/replay", Handle).RequireAuthorization(Policies.Admin).WithTags("operations")
            .WithSummary("Publish every price authorization's current state again, for readers that start late");

    static async Task<IResult> Handle(NpgsqlDataSource db, Ledger ledger, TimeProvider clock, CancellationToken ct)
    {
        var after = Guid.Empty;
        var replayed = 0;
        await using var conn = await db.OpenConnectionAsync(ct);
        while (true)
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            var page = (await conn.QueryAsync<PriceAuthorization>(new CommandDefinition(Page, new { After = after }, tx, cancellationToken: ct))).AsList();
            if (page.Count == 0) break;
            await ledger.Replay(tx, page, clock.GetUtcNow(), ct);
            await tx.CommitAsync(ct);
            replayed += page.Count;
            after = page[^1].Id;
        }
        return TypedResults.Ok(new { replayed });
    }
}
