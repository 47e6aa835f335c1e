using System.Security.Claims;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>
/// A partner (or a channel manager for it) removes one of its users: the row goes, the partner's next
/// version records who it was and announces it (PartnerUserRemoved). The last admin stays.
/// </summary>
public static class RemovePartnerUser
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapDelete("/{id:guid}/users/{userId:guid}", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Remove a partner's user");

    static async Task<IResult> Handle(Guid id, Guid userId, ClaimsPrincipal user, NpgsqlDataSource db, Partners partners,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (PartnerUsers.MayManage(caller, id) is { } refusal) return refusal;

        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var partner = await Partners.Lock(tx, id, ct);
        if (partner is null) return Partners.NotFound(id);
        var current = await PartnerUsers.Find(tx, id, userId, ct);
        if (current is null) return PartnerUsers.NotFound(userId);
        if (current.Role == PartnerUsers.Admin && await PartnerUsers.IsLastAdmin(tx, id, userId, ct)) return PartnerUsers.LastAdmin(userId);

        var move = partner.RemoveUser(new PartnerUser { UserId = userId, Name = current.Name, Email = current.Email, Role = current.Role }, caller);
        if (move is Refused<Partner> refused) return refused.Problem();
        await conn.ExecuteAsync(new CommandDefinition("delete from partner_users where id = @userId", new { userId }, tx, cancellationToken: ct));
        await partners.Commit(tx, partner, (Moved<Partner>)move, caller.Subject, now, ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }
}
