using System.Security.Claims;
using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>The registrant (or a channel manager) closes an approved deal as lost, saying why.</summary>
public static class CloseDealAsLost
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/lost", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Deal>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Close an approved deal as lost");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Outbox outbox,
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
        if (!caller.IsManager && !Deals.IsRegistrant(caller, deal)) return TypedResults.Forbid();
        if (check.Failed) return check.Problem();
        if (deal.Status != Status.Approved) return Deals.WrongState(deal, "closed as lost");

        deal.Status = Status.Lost;
        deal.StatusReason = reason;
        deal.ClosedAt = now;
        await Deals.Save(tx, deal, now, ct);
        await Deals.History(tx, deal, "lost", caller.Subject, reason, null, now, ct);
        await outbox.Add(tx, new DealLost { DealId = id, Version = deal.Version, OccurredAt = now, Actor = caller.Subject, Reason = reason!, Deal = deal.State() }, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(deal);
    }
}
