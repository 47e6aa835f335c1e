using Channel.Hosting.Auth;
using Channel.Partners.Features;
using Dapper;
using Npgsql;

namespace Channel.Partners;

/// <summary>What changing or removing a partner's user shares: who may, finding the user, and the last admin.</summary>
public static class PartnerUsers
{
    public const string Admin = "admin";

    /// <summary>Null when the caller may manage this partner's users: a channel manager, or the partner itself; else 404 or 403.</summary>
    public static IResult? MayManage(Caller caller, Guid partnerId)
    {
        var mayAct = caller.IsManager || (caller.Role == Roles.Partner && caller.PartnerId == partnerId);
        if (!mayAct && !caller.SeesEverything) return Partners.NotFound(partnerId);
        return mayAct ? null : TypedResults.Forbid();
    }

    /// <summary>The partner's user, locked for this transaction; null when the partner has no such user.</summary>
    public static Task<AddPartnerUser.User?> Find(NpgsqlTransaction tx, Guid partnerId, Guid userId, CancellationToken ct) =>
        tx.Connection!.QuerySingleOrDefaultAsync<AddPartnerUser.User>(new CommandDefinition("""
            select id, partner_id, name, email, role, created_at, created_by from partner_users
            where id = @userId and partner_id = @partnerId for update
            """, new { partnerId, userId }, tx, cancellationToken: ct));

    /// <summary>Whether this user is the partner's only admin (the partner's row is locked, so no other change races this one).</summary>
    public static Task<bool> IsLastAdmin(NpgsqlTransaction tx, Guid partnerId, Guid userId, CancellationToken ct) =>
        tx.Connection!.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select not exists (select 1 from partner_users where partner_id = @partnerId and role = @Admin and id <> @userId)",
            new { partnerId, userId, Admin }, tx, cancellationToken: ct));

    public static IResult NotFound(Guid userId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such user.", detail: $"User {userId} was not found.");

    public static IResult LastAdmin(Guid userId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The partner's last admin must stay an admin.",
            detail: $"User {userId} is the partner's only admin: make another user admin first.");
}
