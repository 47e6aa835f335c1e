using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Data;
using Channel.Hosting.Text;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>
/// A partner adds a user of its own (or a channel manager does it for the partner). The e-mail must
/// be on the partner's own domain and not already in use; the change is in the partner's audit history.
/// </summary>
public static class AddPartnerUser
{
    public static readonly string[] UserRoles = ["admin", "sales", "viewer"];

    public sealed record Request(string? Name, string? Email, string? Role);

    public sealed class PartnerUser
    {
        public Guid Id { get; set; }
        public Guid PartnerId { get; set; }
        public string Name { get; set; } = "";
        public string Email { get; set; } = "";
        public string Role { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public string CreatedBy { get; set; } = "";
    }

    const string Lock = "select status, website_domain from partners where id = @Id for update";

    const string Insert = """
        insert into partner_users (id, partner_id, name, email, role, created_at, created_by)
        values (@Id, @PartnerId, @Name, @Email, @Role, @Now, @Actor)
        returning id, partner_id, name, email, role, created_at, created_by
        """;

    const string Bump = "update partners set version = version + 1, updated_at = @Now where id = @Id returning version";

    sealed class Target
    {
        public string Status { get; set; } = "";
        public string WebsiteDomain { get; set; } = "";
    }

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/users", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<PartnerUser>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Add a user to a partner");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = Caller.From(user);
        var mayAct = caller.IsManager || (caller.Role == Roles.Partner && caller.PartnerId == id);
        if (!mayAct && !caller.SeesEverything) return Partners.NotFound(id);
        if (!mayAct) return TypedResults.Forbid();

        var check = new Check();
        var name = check.Text("name", request.Name);
        var email = check.Email("email", request.Email);
        var role = check.OneOf("role", request.Role, UserRoles);
        if (check.Failed) return check.Problem();

        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var target = await conn.QuerySingleOrDefaultAsync<Target>(new CommandDefinition(Lock, new { Id = id }, tx, cancellationToken: ct));
        if (target is null) return Partners.NotFound(id);
        if (target.Status is Status.Rejected or Status.Terminated)
            return await Partners.NotFoundOrWrongState(tx, id, "given new users", ct);
        var emailDomain = email![(email!.LastIndexOf('@') + 1)..];
        if (!Names.IsSameOrSubdomain(emailDomain, target!.WebsiteDomain))
        {
            check.Add("email", $"must be an address on the partner's own domain ({target.WebsiteDomain})");
            return check.Problem();
        }
        PartnerUser added;
        try
        {
            added = await conn.QuerySingleAsync<PartnerUser>(new CommandDefinition(Insert, new
            {
                Id = Guid.CreateVersion7(),
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
        var version = await conn.ExecuteScalarAsync<int>(new CommandDefinition(Bump, new { Id = id, Now = now }, tx, cancellationToken: ct));
        await Partners.Audit(tx, id, version, "user_added", caller.Subject, null, new { user = new { added.Id, added.Email, added.Role } }, now, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/partners/{id}/users/{added.Id}", added);
    }
}
