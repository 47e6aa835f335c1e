using System.Security.Claims;
using Channel.Contracts.Distributors;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Distributors.Features;

/// <summary>
/// A distributor's users (they sign in with distributor tokens scoped to it): a channel manager or the
/// distributor's own admin adds them (with an Idempotency-Key, safely retried), as the distributor's next
/// version, announced (DistributorUserAdded); staff and the distributor list them.
/// </summary>
public static class AddDistributorUser
{
    public static readonly string[] UserRoles = ["admin", "sales", "operations"];

    public sealed record Request(string? Name, string? Email, [property: ValuesFrom(typeof(AddDistributorUser), nameof(UserRoles))] string? Role);

    public sealed class DistributorUser
    {
        public Guid Id { get; set; }
        public Guid DistributorId { get; set; }
        public string Name { get; set; } = "";
        public string Email { get; set; } = "";
        public string Role { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public string CreatedBy { get; set; } = "";

        public Channel.Contracts.Distributors.DistributorUser Contract() => new() { UserId = Id, Name = Name, Email = Email, Role = Role };
    }

    const string Insert = """
        insert into distributor_users (id, distributor_id, name, email, role, created_at, created_by)
        values (@Id, @DistributorId, @Name, @Email, @Role, @Now, @Actor)
        returning id, distributor_id, name, email, role, created_at, created_by
        """;

    const string List = """
        select id, distributor_id, name, email, role, created_at, created_by
        from distributor_users where distributor_id = @Id order by created_at, id
        """;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/{id:guid}/users", Add).RequireAuthorization(Policies.Authenticated)
            .Produces<DistributorUser>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Add a user to a distributor");
        api.MapGet("/{id:guid}/users", Users).RequireAuthorization(Policies.Authenticated)
            .Produces<DistributorUser[]>().ProducesProblem(404).WithSummary("A distributor's users");
    }

    static async Task<IResult> Add(Guid id, Request request, HttpRequest http, ClaimsPrincipal user, NpgsqlDataSource db, Idempotency idempotency,
        Distributors distributors, TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (!Distributors.MayActFor(caller, id)) return Distributors.NotFound("distributor", id);
        if (!caller.IsManager && caller.Role != Roles.Distributor) return TypedResults.Forbid();
        var check = new Check();
        var name = check.Text("name", request.Name);
        var email = check.Email("email", request.Email);
        var role = check.OneOf("role", request.Role, UserRoles);
        var key = idempotency.Read(http, caller, $"distributor-user {id}", request, check);
        if (check.Failed) return check.Problem();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await idempotency.Begin(tx, key, ct) is { } earlier) return earlier;
        var distributor = await Distributors.Lock(tx, id, ct);
        if (distributor is null) return Distributors.NotFound("distributor", id);
        try
        {
            var now = clock.GetUtcNow();
            var added = await conn.QuerySingleAsync<DistributorUser>(new CommandDefinition(Insert, new
            {
                Id = Guid.CreateVersion7(),
                DistributorId = id,
                Name = name,
                Email = email,
                Role = role,
                Now = now,
                Actor = caller.Subject,
            }, tx, cancellationToken: ct));
            await distributors.UsersChanged(tx, distributor, now, (version, state) => new DistributorUserAdded
            {
                DistributorId = id,
                Version = version,
                OccurredAt = now,
                Actor = caller.Subject,
                User = added.Contract(),
                Distributor = state,
            }, ct);
            var location = $"/api/distributors/{id}/users/{added.Id}";
            await idempotency.Remember(tx, key, StatusCodes.Status201Created, location, added, ct);
            await tx.CommitAsync(ct);
            return TypedResults.Created(location, added);
        }
        catch (PostgresException e) when (e.IsUniqueViolation("distributor_users_email_unique"))
        {
            return TypedResults.Problem(statusCode: 409, title: "A user with this e-mail already exists.",
                extensions: new Dictionary<string, object?> { ["field"] = "email" });
        }
    }

    static async Task<IResult> Users(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        if (!Distributors.MayActFor(Caller.From(user), id)) return Distributors.NotFound("distributor", id);
        await using var conn = await db.OpenConnectionAsync(ct);
        if (!await conn.ExecuteScalarAsync<bool>(new CommandDefinition("select exists (select 1 from distributors where id = @id)", new { id }, cancellationToken: ct)))
            return Distributors.NotFound("distributor", id);
        return TypedResults.Ok(await conn.QueryAsync<DistributorUser>(new CommandDefinition(List, new { Id = id }, cancellationToken: ct)));
    }
}
