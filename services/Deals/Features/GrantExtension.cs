using System.Security.Claims;
using Channel.Contracts.Deals;
using Channel.Deals.Rules;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>A channel manager grants a pending extension request: protection runs Deals:ExtensionDays longer.</summary>
public static class GrantExtension
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/extension", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Deal>().ProducesProblem(404).ProducesProblem(409).WithSummary("Grant a requested extension");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, Outbox outbox, DealRules rules,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var deal = await Deals.Lock(tx, id, ct);
        if (deal is null) return Deals.NotFound(id);
        if (deal.Status != Status.Approved) return Deals.WrongState(deal, "extended");
        if (deal.ExtensionRequestedAt is null) return Deals.WrongState(deal, "extended", "No extension was requested.");

        deal.ProtectionEndsAt = deal.ProtectionEndsAt!.Value.AddDays(rules.ExtensionDays);
        deal.ExtensionsUsed++;
        deal.ExtensionRequestedAt = null;
        deal.ExtensionRequestReason = null;
        await Deals.Save(tx, deal, now, ct);
        await Deals.History(tx, deal, "extended", caller.Subject, null, new { protectionEndsAt = deal.ProtectionEndsAt }, now, ct);
        await outbox.Add(tx, new DealExtended { DealId = id, Version = deal.Version, OccurredAt = now, Actor = caller.Subject, Deal = deal.State() }, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(deal);
    }
}
