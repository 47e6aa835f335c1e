using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
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

    static async Task<IResult> Handle(Guid id, Guid partnerId, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Distributors distributors,
        TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000);
        if (check.Failed) return check.Problem();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var current = await Distributors.LockAuthorization(tx, id, partnerId, ct);
        if (current is null) return Distributors.NotFound("authorization", partnerId);
        switch (current.Revoke(reason!, Caller.From(user).Subject, clock.GetUtcNow()))
        {
            case Refused<Authorization> refused: return refused.Problem();
            case Moved<Authorization> move:
                var saved = await distributors.Commit(tx, current, move, ct);
                await tx.CommitAsync(ct);
                return TypedResults.Ok(saved);
            default: throw new InvalidOperationException("a transition either moves or refuses");
        }
    }
}
