using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Notifications.Webhooks;
using Dapper;
using Npgsql;

namespace Channel.Notifications.Features;

/// <summary>
/// A partner's, a distributor's or the vendor's system subscribes a URL to event kinds. The answer
/// carries the signing secret, the only time it is shown. Staff who own no subscriptions get 403.
/// </summary>
public static class SubscribeToWebhooks
{
    public sealed record Request(string? Url, string[]? Kinds, string? Description);

    const string Insert = $"""
        insert into subscriptions (id, owner_kind, owner_id, url, kinds, description, secret, created_by)
        values (@Id, @OwnerKind, @OwnerId, @Url, @Kinds, @Description, @Secret, @CreatedBy)
        returning {Subscriptions.Columns}
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/subscriptions", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Subscription>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(403).ProducesProblem(409)
            .WithSummary("Subscribe a URL to event kinds (the answer shows the signing secret once)");

    static async Task<IResult> Handle(Request request, ClaimsPrincipal user, NpgsqlDataSource db, AddressGuard guard, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (Subscriptions.Of(caller) is not { } owner) return TypedResults.Forbid();
        var check = new Check();
        var url = await Subscriptions.Url(check, guard, request.Url, ct);
        var kinds = Subscriptions.Kinds(check, owner, request.Kinds);
        var description = check.Text("description", request.Description, required: false) ?? "";
        if (check.Failed) return check.Problem();

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // One owner's subscriptions are counted under a lock on the owner, so two at once cannot both be the last allowed.
        await conn.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(hashtext(@key))",
            new { key = $"subscriptions {owner.Kind} {owner.Id}" }, tx, cancellationToken: ct));
        var count = await conn.ExecuteScalarAsync<int>(new CommandDefinition($"select count(*) from subscriptions where {Subscriptions.OwnedBy}",
            new { OwnerKind = owner.Kind, OwnerId = owner.Id }, tx, cancellationToken: ct));
        if (count >= Subscriptions.MaxPerOwner)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Too many subscriptions.",
                detail: $"an owner may have at most {Subscriptions.MaxPerOwner} subscriptions; delete one first.");
        var secret = Signature.NewSecret();
        var made = await conn.QuerySingleAsync<Subscription>(new CommandDefinition(Insert, new
        {
            Id = Guid.CreateVersion7(),
            OwnerKind = owner.Kind,
            OwnerId = owner.Id,
            Url = url,
            Kinds = kinds,
            Description = description,
            Secret = secret,
            CreatedBy = caller.Subject,
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        made.Secret = secret;
        return TypedResults.Created($"/api/notifications/subscriptions/{made.Id}", made);
    }
}
