using System.Security.Claims;
using Channel.Deals.Rules;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>
/// Before its protection ends, the registrant of an approved deal asks for more time (at most
/// Deals:MaxExtensions times); a channel manager grants it.
/// </summary>
public static class RequestExtension
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/extension-request", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Deal>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Ask for an extension of a deal's protection");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, DealRules rules,
        TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000);
        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var deal = await Deals.Lock(tx, id, ct);
        if (deal is null || !await Deals.MaySee(conn, tx, caller, deal, ct)) return Deals.NotFound(id);
        if (!Deals.IsRegistrant(caller, deal)) return TypedResults.Forbid();
        if (check.Failed) return check.Problem();
        if (deal.Status != Status.Approved) return Deals.WrongState(deal, "extended");
        if (deal.ProtectionEndsAt <= now) return Deals.WrongState(deal, "extended", "Its protection has already ended.");
        if (deal.ExtensionsUsed >= rules.MaxExtensions)
            return Deals.WrongState(deal, "extended again", $"It has had {deal.ExtensionsUsed} of {rules.MaxExtensions} extensions allowed.");
        if (deal.ExtensionRequestedAt is not null) return Deals.WrongState(deal, "asked for another extension", "An extension request is already pending.");

        deal.ExtensionRequestedAt = now;
        deal.ExtensionRequestReason = reason;
        await Deals.Save(tx, deal, now, ct);
        await Deals.History(tx, deal, "extension_requested", caller.Subject, reason, null, now, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(deal);
    }
}
