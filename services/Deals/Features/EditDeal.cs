using System.Security.Claims;
using Channel.Deals.Rules;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>
/// The registrant edits a returned registration (all of it, as when registering) before resubmitting
/// it. The rules checked at registration hold again: an active partner, and a distributor authorized
/// for the reseller in the (possibly new) customer region.
/// </summary>
public static class EditDeal
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPut("/{id:guid}", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Deal>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Edit a returned deal registration");

    static async Task<IResult> Handle(Guid id, RegisterDeal.Request request, ClaimsPrincipal user, NpgsqlDataSource db, Deals deals,
        DealRules rules, TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        var check = new Check();
        var form = RegisterDeal.Validate(check, request, rules, DateOnly.FromDateTime(now.UtcDateTime));
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var deal = await Deals.Lock(tx, id, ct);
        if (deal is null || !await Deals.MaySee(conn, tx, caller, deal, ct)) return Deals.NotFound(id);
        if (!Deals.IsRegistrant(caller, deal)) return TypedResults.Forbid();
        if (request.PartnerId is { } p && p != deal.PartnerId) check.Add("partnerId", "the registrant of a deal cannot be changed");
        if (check.Failed || form is null) return check.Problem();
        var move = deal.Edit(form, caller, now);
        if (move is Refused<Deal> refused) return refused.Problem();
        if (await RegisterDeal.MayRegister(tx, deal.PartnerId, deal.DistributorId, form.Region, ct) is { } refusal) return refusal;
        var saved = await deals.Commit(tx, deal, (Moved<Deal>)move, caller.Subject, now, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(saved);
    }
}
