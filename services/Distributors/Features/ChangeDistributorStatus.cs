using System.Security.Claims;
using Channel.Contracts.Distributors;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Distributors.Features;

/// <summary>
/// A channel manager suspends a distributor (a lapsed agreement, an audit), reinstates it, or terminates it for good,
/// always saying why. While it is not active it uploads no reports and gets no new authorizations, and its users
/// cannot sign in (the Identity service ends their sessions when it hears of it). A transition not allowed from
/// the current status is 409.
/// </summary>
public static class ChangeDistributorStatus
{
    public sealed record Request(string? Reason);

    static readonly Dictionary<string, (string To, string[] From, bool ReasonRequired, string Summary)> Actions = new()
    {
        ["suspend"] = (DistributorStatus.Suspended, [DistributorStatus.Active], true, "Suspend an active distributor, with a reason"),
        ["reinstate"] = (DistributorStatus.Active, [DistributorStatus.Suspended], false, "Reinstate a suspended distributor"),
        ["terminate"] = (DistributorStatus.Terminated, [DistributorStatus.Active, DistributorStatus.Suspended], true,
            "Terminate a distributor for good, with a reason"),
    };

    public static void Map(RouteGroupBuilder api)
    {
        foreach (var (action, (to, from, reasonRequired, summary)) in Actions)
            api.MapPost($"/{{id:guid}}/{action}", (Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Distributors distributors,
                    TimeProvider clock, CancellationToken ct) => Handle(id, request, to, from, reasonRequired, user, db, distributors, clock, ct))
                .RequireAuthorization(Policies.ChannelManager)
                .Produces<Distributor>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
                .WithName($"{action}-distributor").WithSummary(summary);
    }

    static async Task<IResult> Handle(Guid id, Request request, string to, string[] from, bool reasonRequired, ClaimsPrincipal user,
        NpgsqlDataSource db, Distributors distributors, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000, required: reasonRequired);
        if (check.Failed) return check.Problem();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var distributor = await Distributors.Lock(tx, id, ct);
        if (distributor is null) return Distributors.NotFound("distributor", id);
        if (to == DistributorStatus.Active && distributor.ComplianceHolds)
            return TypedResults.Problem(statusCode: 409, title: "Compliance screening holds this distributor.",
                detail: $"{distributor.ScreeningReason}. It is reinstated when a compliance officer clears it.",
                extensions: new Dictionary<string, object?> { ["status"] = distributor.Status });
        if (!from.Contains(distributor.Status))
            return TypedResults.Problem(statusCode: 409, title: $"A {distributor.Status} distributor cannot become {to}.",
                extensions: new Dictionary<string, object?> { ["status"] = distributor.Status });
        var saved = await distributors.StatusChanged(tx, distributor, to, reason, Caller.From(user).Subject, clock.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(saved);
    }
}
