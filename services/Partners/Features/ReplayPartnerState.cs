using Channel.Hosting.Auth;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>
/// An operator asks for every partner's current state to be published again (a service deployed
/// after the Partners service, or one that lost its copy, catches up): one PartnerStateReplayed per
/// partner, at its current version, which readers apply like any partner event (by version, so a
/// reader that is up to date changes nothing). Written through the outbox in pages.
/// </summary>
public static class ReplayPartnerState
{
    const string Page = $"select {Partners.Columns} from partners where id > @After order by id limit 1000";

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/admin/replay", Handle).RequireAuthorization(Policies.Admin).WithTags("operations")
            .WithSummary("Publish every partner's current state again, for readers that start late");

    static async Task<IResult> Handle(NpgsqlDataSource db, Partners partners, CancellationToken ct)
    {
        var after = Guid.Empty;
        var replayed = 0;
        await using var conn = await db.OpenConnectionAsync(ct);
        while (true)
        {
            await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
            var page = (await conn.QueryAsync<Partner>(new CommandDefinition(Page, new { After = after }, tx, cancellationToken: ct))).AsList();
            if (page.Count == 0) break;
            await partners.Replay(tx, page, ct);
            await tx.CommitAsync(ct);
            replayed += page.Count;
            after = page[^1].Id;
        }
        return TypedResults.Ok(new { replayed });
    }
}
