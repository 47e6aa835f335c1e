using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Notifications.Webhooks;
using Dapper;
using Npgsql;

namespace Channel.Notifications.Features;

/// <summary>
/// Changes a subscription's URL, kinds or description, or disables or enables it: only the fields
/// sent change. Enabling a disabled subscription clears its failure count, and what it missed while
/// disabled is delivered then.
/// </summary>
public static class ChangeSubscription
{
    public sealed record Request(string? Url, string[]? Kinds, string? Description, bool? Enabled);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPatch("/subscriptions/{id:guid}", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Subscription>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404)
            .WithSummary("Change, disable or enable a webhook subscription");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, AddressGuard guard,
        WebhookDeliverer deliverer, CancellationToken ct)
    {
        if (Subscriptions.Of(Caller.From(user)) is not { } owner) return TypedResults.Forbid();
        var check = new Check();
        var url = request.Url is null ? null : await Subscriptions.Url(check, guard, request.Url, ct);
        var kinds = request.Kinds is null ? null : Subscriptions.Kinds(check, owner, request.Kinds);
        var description = request.Description is null ? null : check.Text("description", request.Description, required: false) ?? "";
        if (request is { Url: null, Kinds: null, Description: null, Enabled: null }) check.Add("body", "change at least one of url, kinds, description, enabled");
        if (check.Failed) return check.Problem();

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await Subscriptions.Load(conn, tx, owner, id, ct, forUpdate: true) is null) return Subscriptions.NotFound(id);
        var changed = await conn.QuerySingleAsync<Subscription>(new CommandDefinition($"""
            update subscriptions set
                url = coalesce(@Url::text, url),
                kinds = coalesce(@Kinds::text[], kinds),
                description = coalesce(@Description::text, description),
                enabled = coalesce(@Enabled::boolean, enabled),
                consecutive_failures = case when @Enabled::boolean and not enabled then 0 else consecutive_failures end,
                disabled_at = case when @Enabled::boolean then null when not @Enabled::boolean and enabled then now() else disabled_at end,
                disabled_reason = case when @Enabled::boolean then null
                    when not @Enabled::boolean and enabled then 'disabled by ' || @By else disabled_reason end,
                updated_at = now()
            where id = @Id
            returning {Subscriptions.Columns}
            """, new { Id = id, Url = url, Kinds = kinds, Description = description, request.Enabled, By = Caller.From(user).Subject },
            tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        if (changed.Enabled) deliverer.WakeSoon();
        return TypedResults.Ok(changed);
    }
}
