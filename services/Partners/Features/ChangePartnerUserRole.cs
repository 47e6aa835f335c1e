using System.Security.Claims;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>
/// A partner (or a channel manager for it) changes one of its users' role; the partner's next
/// version records it and announces it (PartnerUserRoleChanged). The last admin keeps its role.
/// </summary>
public static class ChangePartnerUserRole
{
    public sealed record Request([property: ValuesFrom(typeof(AddPartnerUser), nameof(AddPartnerUser.UserRoles))] string? Role);

    const string Update = """
        update partner_users set role = @Role where id = @Id
        returning id, partner_id, name, email, role, created_at, created_by
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapPut("/{id:guid}/users/{userId:guid}/role", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<AddPartnerUser.User>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Change a partner user's role");

    static async Task<IResult> Handle(Guid id, Guid userId, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Partners partners,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (PartnerUsers.MayManage(caller, id) is { } refusal) return refusal;
        var check = new Check();
        var role = check.OneOf("role", request.Role, AddPartnerUser.UserRoles);
        if (check.Failed) return check.Problem();

        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var partner = await Partners.Lock(tx, id, ct);
        if (partner is null) return Partners.NotFound(id);
        var current = await PartnerUsers.Find(tx, id, userId, ct);
        if (current is null) return PartnerUsers.NotFound(userId);
        if (current.Role == role)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"The user is already {role}.", detail: $"User {userId} is {role}.");
        if (current.Role == PartnerUsers.Admin && await PartnerUsers.IsLastAdmin(tx, id, userId, ct)) return PartnerUsers.LastAdmin(userId);

        var move = partner.ChangeUserRole(new PartnerUser { UserId = userId, Name = current.Name, Email = current.Email, Role = role! }, current.Role, caller);
        if (move is Refused<Partner> refused) return refused.Problem();
        var changed = await conn.QuerySingleAsync<AddPartnerUser.User>(new CommandDefinition(Update, new { Id = userId, Role = role }, tx, cancellationToken: ct));
        await partners.Commit(tx, partner, (Moved<Partner>)move, caller.Subject, now, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(changed);
    }
}
