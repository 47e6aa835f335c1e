using System.Security.Claims;
using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>A channel manager rejects a registration waiting for a decision; a reason is required.</summary>
public static class RejectDeal
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/reject", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Deal>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409).WithSummary("Reject a deal registration");

    static Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Outbox outbox, TimeProvider clock,
        CancellationToken ct) =>
        Deals.Decide(db, outbox, clock, user, id, request.Reason, Status.Rejected, "rejected", "rejected",
            (deal, actor, reason, now) => new DealRejected { DealId = id, Version = deal.Version, OccurredAt = now, Actor = actor, Reason = reason, Deal = deal.State() },
            ct);
}
