using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>
/// A channel manager decides a waiting special bid: <c>approve</c> gives the prices asked (the PA's next revision),
/// <c>counter</c> gives other prices (each deeper than the PA gave, none deeper than asked is needed), <c>reject</c>
/// keeps the PA as it is, with the reason. A decided bid cannot be decided again (409).
/// </summary>
public static class DecideSpecialBid
{
    public sealed record CounterLine(int? LineNo, string? Sku, decimal? NetCost);

    public sealed record Counter(List<CounterLine>? Lines, string? Reason);

    public sealed record Rejection(string? Reason);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/authorizations/{id:guid}/special-bids/{bidId:guid}/approve", Approve).RequireAuthorization(Policies.ChannelManager)
            .Produces<AuthorizationView>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).WithSummary("Approve a special bid at the prices asked");
        api.MapPost("/authorizations/{id:guid}/special-bids/{bidId:guid}/counter", CounterOffer).RequireAuthorization(Policies.ChannelManager)
            .Produces<AuthorizationView>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Counter a special bid with other prices");
        api.MapPost("/authorizations/{id:guid}/special-bids/{bidId:guid}/reject", Reject).RequireAuthorization(Policies.ChannelManager)
            .Produces<AuthorizationView>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409).WithSummary("Reject a special bid");
    }

    static Task<IResult> Approve(Guid id, Guid bidId, ClaimsPrincipal user, NpgsqlDataSource db, Ledger ledger, PricingRules rules, TimeProvider clock,
        CancellationToken ct) =>
        Decide(id, bidId, user, db, ledger, rules, clock, ct, (pa, bid, caller) =>
        {
            var netCosts = bid.Lines.ToDictionary(l => (l.LineNo, l.Sku), l => l.RequestedNetCost!.Value);
            return (pa.Revise(netCosts, bid.Id, countered: false, caller), bid with
            {
                Status = SpecialBidStatus.Approved,
                Lines = [.. bid.Lines.Select(l => l with { DecidedNetCost = l.RequestedNetCost, DecidedDiscountPercent = l.RequestedDiscountPercent })],
            });
        });

    static async Task<IResult> CounterOffer(Guid id, Guid bidId, Counter request, ClaimsPrincipal user, NpgsqlDataSource db, Ledger ledger,
        PricingRules rules, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000, required: false);
        if (request.Lines is null || request.Lines.Count == 0) check.Add("lines", "at least one line is required");
        else if (request.Lines.Count > 500) check.Add("lines", "at most 500 lines");
        if (check.Failed) return check.Problem();
        return await Decide(id, bidId, user, db, ledger, rules, clock, ct, (pa, bid, caller) =>
        {
            var paLines = pa.Lines().ToDictionary(l => l.LineNo);
            var netCosts = new Dictionary<(int, string), decimal>();
            for (var i = 0; i < request.Lines!.Count; i++)
            {
                var at = $"lines[{i}]";
                var l = request.Lines[i];
                if (l?.LineNo is not { } no || !paLines.TryGetValue(no, out var paLine)) { check.Add($"{at}.lineNo", $"{pa.Number} has no such line"); continue; }
                var sku = l.Sku?.Trim().ToUpperInvariant() ?? paLine.Sku;
                var price = paLine.Prices.FirstOrDefault(p => p.Sku == sku);
                if (price is null) { check.Add($"{at}.sku", $"line {no} does not cover {sku ?? "that SKU"}"); continue; }
                if (check.Range($"{at}.netCost", l.NetCost, 0.01m, price.NetCost) is not { } net) continue;
                if (!netCosts.TryAdd((no, price.Sku), net)) check.Add($"{at}.sku", $"{price.Sku} of line {no} is countered twice");
            }
            if (check.Failed) return (null, bid);
            return (pa.Revise(netCosts, bid.Id, countered: true, caller), bid with
            {
                Status = SpecialBidStatus.Countered,
                DecisionReason = reason,
                Lines = [.. netCosts.Select(c =>
                {
                    var asked = bid.Lines.FirstOrDefault(l => l.LineNo == c.Key.Item1 && l.Sku == c.Key.Item2);
                    var list = paLines[c.Key.Item1].Prices.First(p => p.Sku == c.Key.Item2).ListPrice;
                    return (asked ?? new SpecialBids.BidLine(c.Key.Item1, c.Key.Item2, list, null, 0m)) with
                    {
                        DecidedNetCost = c.Value,
                        DecidedDiscountPercent = SpecialBids.DiscountOf(list, c.Value),
                    };
                })],
            });
        }, check);
    }

    static async Task<IResult> Reject(Guid id, Guid bidId, Rejection request, ClaimsPrincipal user, NpgsqlDataSource db, Ledger ledger,
        PricingRules rules, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000);
        if (check.Failed) return check.Problem();
        return await Decide(id, bidId, user, db, ledger, rules, clock, ct,
            (pa, bid, caller) => (pa.RejectBid(bid.Id, reason!, caller), bid with { Status = SpecialBidStatus.Rejected, DecisionReason = reason }));
    }

    /// <summary>
    /// Locks the PA and the bid, decides, and saves the PA's next version with the bid's decision. A price deeper than the
    /// second-approval threshold is never given by the deal's approver alone (403), as for the PA itself.
    /// </summary>
    static async Task<IResult> Decide(Guid id, Guid bidId, ClaimsPrincipal user, NpgsqlDataSource db, Ledger ledger, PricingRules rules, TimeProvider clock,
        CancellationToken ct, Func<PriceAuthorization, SpecialBids.Bid, Caller, (Outcome<PriceAuthorization>? Outcome, SpecialBids.Bid Bid)> decide,
        Check? check = null)
    {
        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var pa = await Ledger.Lock(tx, id, ct);
        if (pa is null) return Scope.NoSuchAuthorization(id);
        var bid = await SpecialBids.Lock(tx, id, bidId, ct);
        if (bid is null)
            return TypedResults.Problem(statusCode: 404, title: "No such special bid.", detail: $"{pa.Number} has no special bid {bidId}.");
        if (bid.Status != SpecialBidStatus.Requested)
            return TypedResults.Problem(statusCode: 409, title: $"A special bid that is {bid.Status} cannot be decided again.",
                extensions: new Dictionary<string, object?> { ["currentStatus"] = bid.Status });
        var (outcome, decided) = decide(pa, bid, caller);
        if (check is { Failed: true }) return check.Problem();
        if (decided.Status != SpecialBidStatus.Rejected && pa.DealApprover is not null && pa.DealApprover == caller.Subject
            && decided.Lines.Max(l => l.DecidedDiscountPercent ?? 0m) > rules.SecondApprovalAbove)
            return TypedResults.Problem(statusCode: 403, title: "A second approver is needed.",
                detail: $"A discount above {rules.SecondApprovalAbove} % is decided by a channel manager other than the one who approved the deal.");
        switch (outcome)
        {
            case Refused<PriceAuthorization> refused: return refused.Problem();
            case Moved<PriceAuthorization> move:
                var saved = await ledger.Commit(tx, pa, move, caller.Subject, now, ct);
                await SpecialBids.Decide(tx, decided with
                {
                    DecidedBy = caller.Subject,
                    DecidedAt = now,
                    Revision = decided.Status == SpecialBidStatus.Rejected ? null : saved.Revision,
                }, ct);
                await tx.CommitAsync(ct);
                return TypedResults.Ok(AuthorizationView.Of(saved, caller));
            default: throw new InvalidOperationException("a transition either moves or refuses");
        }
    }
}
