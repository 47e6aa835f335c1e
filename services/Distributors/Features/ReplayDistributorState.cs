using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Distributors.Features;

/// <summary>
/// An operator asks for the Distributors service's state to be published again (a service deployed
/// after it, or one that lost its copy, catches up): every distributor and every authorization at
/// its current version, and every sell-through report's batches as they were first announced
/// (readers key what they add by report and batch, so what they already have changes nothing).
/// </summary>
public static class ReplayDistributorState
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/admin/replay", Handle).RequireAuthorization(Policies.Admin).WithTags("operations")
            .WithSummary("Publish every distributor, authorization and sell-through report again, for readers that start late");

    static async Task<IResult> Handle(NpgsqlDataSource db, Distributors distributors, TimeProvider clock, CancellationToken ct, bool reports = true)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        int distributorCount, authorizationCount;
        await using (var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct))
        {
            var all = await Distributors.Query(conn, $"select {Distributors.Columns} from distributors order by id", new { }, tx, ct);
            var authorizations = (await conn.QueryAsync<Authorization>(new CommandDefinition(
                $"select {Distributors.AuthorizationColumns} from authorizations order by id", transaction: tx, cancellationToken: ct))).AsList();
            await distributors.Replay(tx, all, authorizations, clock.GetUtcNow(), ct);
            await tx.CommitAsync(ct);
            (distributorCount, authorizationCount) = (all.Count, authorizations.Count);
        }
        var reportIds = reports
            ? (await conn.QueryAsync<Guid>(new CommandDefinition("select id from reports order by id", cancellationToken: ct))).AsList()
            : [];
        var batches = 0;
        foreach (var reportId in reportIds)
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            batches += await distributors.Announce(tx, reportId, ct);
            await tx.CommitAsync(ct);
        }
        return TypedResults.Ok(new { distributors = distributorCount, authorizations = authorizationCount, reports = reportIds.Count, batches });
    }
}
