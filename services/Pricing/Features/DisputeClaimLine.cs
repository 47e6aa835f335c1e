using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>The distributor disputes a rejected or adjusted line of its claim, with a comment; a channel manager resolves it.</summary>
public static class DisputeClaimLine
{
    public sealed record Request(string? Comment);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/claims/{id:guid}/lines/{lineNo:int}/dispute", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Claim>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Dispute a rejected or adjusted claim line (the claiming distributor)");

    static async Task<IResult> Handle(Guid id, int lineNo, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Ledger ledger, TimeProvider clock,
        CancellationToken ct)
    {
        var check = new Check();
        var comment = check.Note("comment", request.Comment, 2000);
        if (check.Failed) return check.Problem();
        return await ledger.ChangeClaim(db, clock, user, id, lineNo,
            (claim, caller) => caller.Role == Roles.Distributor && caller.DistributorId == claim.DistributorId ? null
                : TypedResults.Problem(statusCode: 403, title: "Only the claiming distributor disputes its lines."),
            (claim, line, caller, now) => claim.Dispute(line!, comment!, caller, now), null, ct);
    }
}
