using System.Security.Claims;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>
/// A partner adds a user of its own (or a channel manager does it for the partner). The e-mail must
/// be on the partner's own domain and not already in use; the partner's next version records it in
/// its history and announces it (PartnerUserAdded). Takes an Idempotency-Key.
/// </summary>
public static class AddPartnerUser
{
    public static readonly string[] UserRoles = ["admin", "sales", "viewer"];

    public sealed record Request(string? Name, string? Email, [property: ValuesFrom(typeof(AddPartnerUser), nameof(UserRoles))] string? Role);

    public sealed class User
    {
        public Guid Id { get; set; }
        public Guid PartnerId { get; set; }
        public string Name { get; set; } = "";
        public string Email { get; set; } = "";
        public string Role { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public string CreatedBy { get; set; } = "";
    }

    const string Insert = """
        insert into partner_users (id, partner_id, name, email, role, created_at, created_by)
        values (@Id, @PartnerId, @Name, @Email, @Role, @Now, @Actor)
        returning id, partner_id, name, email, role, created_at, created_by
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/users", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<User>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Add a user to a partner");

    static async Task<IResult> Handle(Guid id, Request request, HttpRequest http, ClaimsPrincipal user, NpgsqlDataSource db, Partners partners,
        Idempotency idempotency, TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(user);
        var mayAct = caller.IsManager || (caller.Role == Roles.Partner && caller.PartnerId == id);
        if (!mayAct && !caller.SeesEverything) return Partners.NotFound(id);
        if (!mayAct) return TypedResults.Forbid();

        var check = new Check();
        var name = check.Text("name", request.Name);
        var email = check.Email("email", request.Email);
        var role = check.OneOf("role", request.Role, UserRoles);
        var key = idempotency.Read(http, caller, $"partner-user {id}", request, check);
        if (check.Failed) return check.Problem();

        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await idempotency.Begin(tx, key, ct) is { } earlier) return earlier;
        var partner = await Partners.Lock(tx, id, ct);
        if (partner is null) return Partners.NotFound(id);
        if (!Domains.IsSameOrSubdomain(email![(email!.LastIndexOf('@') + 1)..], partner.WebsiteDomain))
        {
            check.Add("email", $"must be an address on the partner's own domain ({partner.WebsiteDomain})");
            return check.Problem();
        }
        var userId = Guid.CreateVersion7();
        var move = partner.AddUser(new PartnerUser { UserId = userId, Name = name!, Email = email, Role = role! }, caller);
        if (move is Refused<Partner> refused) return refused.Problem();
        User added;
        try
        {
            added = await conn.QuerySingleAsync<User>(new CommandDefinition(Insert, new
            {
                Id = userId,
                PartnerId = id,
                Name = name,
                Email = email,
                Role = role,
                Now = now,
                Actor = caller.Subject,
            }, tx, cancellationToken: ct));
        }
        catch (PostgresException e) when (e.IsUniqueViolation("partner_users_email_unique"))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A user with this e-mail already exists.",
                extensions: new Dictionary<string, object?> { ["field"] = "email" });
        }
        await partners.Commit(tx, partner, (Moved<Partner>)move, caller.Subject, now, ct);
        var location = $"/api/partners/{id}/users/{added.Id}";
        await idempotency.Remember(tx, key, StatusCodes.Status201Created, location, added, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created(location, added);
    }
}
