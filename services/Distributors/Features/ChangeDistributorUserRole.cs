using System.Security.Claims;
using Channel.Contracts.Distributors;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Distributors.Features;

/// <summary>
/// A distributor (or a channel manager for it) changes one of its users' role, as the distributor's
/// next version, announced (DistributorUserRoleChanged). The last admin keeps its role.
/// </summary>
public static class ChangeDistributorUserRole
{
    public sealed record Request([property: ValuesFrom(typeof(AddDistributorUser), nameof(AddDistributorUser.UserRoles))] string? Role);

    const string Update = """
        update distributor_users set role = @Role where id = @Id
        returning id, distributor_id, name, email, role, created_at, created_by
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapPut("/{id:guid}/users/{userId:guid}/role", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<AddDistributorUser.DistributorUser>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Change a distributor user's role");

    static async Task<IResult> Handle(Guid id, Guid userId, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Distributors distributors,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (DistributorUsers.MayManage(caller, id) is { } refusal) return refusal;
        var check = new Check();
        var role = check.OneOf("role", request.Role, AddDistributorUser.UserRoles);
        if (check.Failed) return check.Problem();

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var distributor = await Distributors.Lock(tx, id, ct);
        if (distributor is null) return Distributors.NotFound("distributor", id);
        var current = await DistributorUsers.Find(tx, id, userId, ct);
        if (current is null) return Distributors.NotFound("user", userId);
        if (current.Role == role)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"The user is already {role}.", detail: $"User {userId} is {role}.");
        if (current.Role == DistributorUsers.Admin && await DistributorUsers.IsLastAdmin(tx, id, userId, ct)) return DistributorUsers.LastAdmin(userId);

        var now = clock.GetUtcNow();
        var changed = await conn.QuerySingleAsync<AddDistributorUser.DistributorUser>(new CommandDefinition(Update, new { Id = userId, Role = role }, tx,
            cancellationToken: ct));
        await distributors.UsersChanged(tx, distributor, now, (version, state) => new DistributorUserRoleChanged
        {
            DistributorId = id,
            Version = version,
            OccurredAt = now,
            Actor = caller.Subject,
            User = changed.Contract(),
            PreviousRole = current.Role,
            Distributor = state,
        }, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(changed);
    }
}
