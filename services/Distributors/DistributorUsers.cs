using Channel.Distributors.Features;
using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Distributors;

/// <summary>What changing or removing a distributor's user shares: who may, finding the user, and the last admin.</summary>
public static class DistributorUsers
{
    public const string Admin = "admin";

    /// <summary>Null when the caller may manage this distributor's users: a channel manager, or the distributor itself; else 404 or 403.</summary>
    public static IResult? MayManage(Caller caller, Guid distributorId)
    {
        if (!Distributors.MayActFor(caller, distributorId)) return Distributors.NotFound("distributor", distributorId);
        return caller.IsManager || caller.Role == Roles.Distributor ? null : TypedResults.Forbid();
    }

    /// <summary>The distributor's user, locked for this transaction; null when the distributor has no such user.</summary>
    public static Task<AddDistributorUser.DistributorUser?> Find(NpgsqlTransaction tx, Guid distributorId, Guid userId, CancellationToken ct) =>
        tx.Connection!.QuerySingleOrDefaultAsync<AddDistributorUser.DistributorUser>(new CommandDefinition("""
            select id, distributor_id, name, email, role, created_at, created_by from distributor_users
            where id = @userId and distributor_id = @distributorId for update
            """, new { distributorId, userId }, tx, cancellationToken: ct));

    /// <summary>Whether this user is the distributor's only admin (the distributor's row is locked, so no other change races this one).</summary>
    public static Task<bool> IsLastAdmin(NpgsqlTransaction tx, Guid distributorId, Guid userId, CancellationToken ct) =>
        tx.Connection!.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select not exists (select 1 from distributor_users where distributor_id = @distributorId and role = @Admin and id <> @userId)",
            new { distributorId, userId, Admin }, tx, cancellationToken: ct));

    public static IResult LastAdmin(Guid userId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The distributor's last admin must stay an admin.",
            detail: $"User {userId} is the distributor's only admin: make another user admin first.");
}
