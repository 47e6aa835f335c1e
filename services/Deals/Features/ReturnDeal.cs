using System.Security.Claims;
using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>A channel manager sends a registration back for more information; the registrant edits and resubmits it.</summary>
public static class ReturnDeal
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/return", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Deal>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409).WithSummary("Return a deal for more information");

    static Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Outbox outbox, TimeProvider clock,
        CancellationToken ct) =>
        Deals.Decide(db, outbox, clock, user, id, request.Reason, Status.Returned, "returned", "returned",
            (deal, actor, reason, now) => new DealReturned { DealId = id, Version = deal.Version, OccurredAt = now, Actor = actor, Reason = reason, Deal = deal.State() },
            ct);
}
