using System.Security.Claims;
using Channel.Contracts.Distributors;
using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Distributors.Features;

/// <summary>
/// A distributor (or a channel manager for it) removes one of its users, as the distributor's next
/// version, announced with who it was (DistributorUserRemoved). The last admin stays.
/// </summary>
public static class RemoveDistributorUser
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapDelete("/{id:guid}/users/{userId:guid}", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Remove a distributor's user");

    static async Task<IResult> Handle(Guid id, Guid userId, ClaimsPrincipal user, NpgsqlDataSource db, Distributors distributors,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (DistributorUsers.MayManage(caller, id) is { } refusal) return refusal;

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var distributor = await Distributors.Lock(tx, id, ct);
        if (distributor is null) return Distributors.NotFound("distributor", id);
        var current = await DistributorUsers.Find(tx, id, userId, ct);
        if (current is null) return Distributors.NotFound("user", userId);
        if (current.Role == DistributorUsers.Admin && await DistributorUsers.IsLastAdmin(tx, id, userId, ct)) return DistributorUsers.LastAdmin(userId);

        var now = clock.GetUtcNow();
        await conn.ExecuteAsync(new CommandDefinition("delete from distributor_users where id = @userId", new { userId }, tx, cancellationToken: ct));
        await distributors.UsersChanged(tx, distributor, now, (version, state) => new DistributorUserRemoved
        {
            DistributorId = id,
            Version = version,
            OccurredAt = now,
            Actor = caller.Subject,
            User = current.Contract(),
            Distributor = state,
        }, ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }
}
