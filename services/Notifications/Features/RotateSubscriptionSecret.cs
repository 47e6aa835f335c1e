using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Notifications.Webhooks;
using Dapper;
using Npgsql;

namespace Channel.Notifications.Features;

/// <summary>A new signing secret for a subscription, shown once; deliveries from now on are signed with it.</summary>
public static class RotateSubscriptionSecret
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/subscriptions/{id:guid}/secret", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Subscription>().ProducesProblem(403).ProducesProblem(404).WithSummary("Rotate a subscription's signing secret");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        if (Subscriptions.Of(Caller.From(user)) is not { } owner) return TypedResults.Forbid();
        var secret = Signature.NewSecret();
        await using var conn = await db.OpenConnectionAsync(ct);
        var rotated = await conn.QuerySingleOrDefaultAsync<Subscription>(new CommandDefinition(
            $"update subscriptions set secret = @secret, updated_at = now() where id = @id and {Subscriptions.OwnedBy} returning {Subscriptions.Columns}",
            new { id, secret, OwnerKind = owner.Kind, OwnerId = owner.Id }, cancellationToken: ct));
        if (rotated is null) return Subscriptions.NotFound(id);
        rotated.Secret = secret;
        return TypedResults.Ok(rotated);
    }
}
