using System.Security.Claims;
using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>The registrant (or a channel manager) closes an approved deal as won, with the amount actually sold.</summary>
public static class CloseDealAsWon
{
    public sealed record Request(decimal? ActualAmount);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/won", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Deal>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Close an approved deal as won");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Outbox outbox,
        TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var amount = check.Range("actualAmount", request.ActualAmount, 0.01m, 1_000_000_000_000m);
        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var deal = await Deals.Lock(tx, id, ct);
        if (deal is null || !await Deals.MaySee(conn, tx, caller, deal, ct)) return Deals.NotFound(id);
        if (!caller.IsManager && !Deals.IsRegistrant(caller, deal)) return TypedResults.Forbid();
        if (check.Failed) return check.Problem();
        if (deal.Status != Status.Approved) return Deals.WrongState(deal, "closed as won");

        deal.Status = Status.Won;
        deal.ActualAmount = amount;
        deal.WonSource = caller.IsManager ? "channel-manager" : "registrant";
        deal.ClosedAt = now;
        await Deals.Save(tx, deal, now, ct);
        await Deals.History(tx, deal, "won", caller.Subject, null, new { actualAmount = amount }, now, ct);
        await outbox.Add(tx, new DealWon
        {
            DealId = id,
            Version = deal.Version,
            OccurredAt = now,
            Actor = caller.Subject,
            Source = deal.WonSource,
            Deal = deal.State(),
        }, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(deal);
    }
}
