using System.Security.Claims;
using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>A channel manager sends a registration back for more information; the registrant edits and resubmits it.</summary>
public static class ReturnDeal
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/return", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Deal>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409).WithSummary("Return a deal for more information");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Outbox outbox,
        TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000);
        if (check.Failed) return check.Problem();
        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var deal = await Deals.Lock(tx, id, ct);
        if (deal is null) return Deals.NotFound(id);
        if (!Status.AwaitingDecision.Contains(deal.Status)) return Deals.WrongState(deal, "returned");
        deal.Status = Status.Returned;
        deal.StatusReason = reason;
        await Deals.Save(tx, deal, now, ct);
        await Deals.History(tx, deal, "returned", caller.Subject, reason, new { status = deal.Status }, now, ct);
        await outbox.Add(tx, new DealReturned { DealId = id, Version = deal.Version, OccurredAt = now, Actor = caller.Subject, Reason = reason!, Deal = deal.State() }, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(deal);
    }
}
