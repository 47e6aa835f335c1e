using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Distributors.Features;

/// <summary>A channel manager ends a distributor's authorization to serve a partner, saying why.</summary>
public static class RevokeResellerAuthorization
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/authorizations/{partnerId:guid}/revoke", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Authorization>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Revoke a distributor's authorization to serve a partner");

    static async Task<IResult> Handle(Guid id, Guid partnerId, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Outbox outbox,
        TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000);
        if (check.Failed) return check.Problem();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var current = await conn.QuerySingleOrDefaultAsync<Authorization>(new CommandDefinition(
            "select id, active from authorizations where distributor_id = @id and partner_id = @partnerId for update",
            new { id, partnerId }, tx, cancellationToken: ct));
        if (current is null) return Distributors.NotFound("authorization", partnerId);
        var revoked = await Distributors.RevokeAuthorization(tx, outbox, current.Id, Caller.From(user).Subject, reason!, clock.GetUtcNow(), ct);
        if (revoked is null)
            return TypedResults.Problem(statusCode: 409, title: "The authorization is already revoked.",
                extensions: new Dictionary<string, object?> { ["currentStatus"] = "revoked" });
        await tx.CommitAsync(ct);
        return TypedResults.Ok(revoked);
    }
}
