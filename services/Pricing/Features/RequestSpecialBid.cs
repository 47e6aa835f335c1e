using System.Security.Claims;
using Channel.Contracts.Pricing;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>
/// The partner, or a distributor that may sell against the PA, asks for a deeper price on an active PA: per line (and,
/// on a family line, per SKU) a net cost or a discount off list, deeper than the PA gives, against a named competitor
/// with a justification. One bid waits at a time (409 while one does); a channel manager approves, counters or rejects it.
/// </summary>
public static class RequestSpecialBid
{
    public sealed record Line(int? LineNo, string? Sku, decimal? RequestedNetCost, decimal? RequestedDiscountPercent);

    public sealed record Request(List<Line>? Lines, string? Competitor, string? Justification);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/authorizations/{id:guid}/special-bids", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<SpecialBids.Bid>(201).ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Ask for a deeper price on an active price authorization (the partner, or a distributor serving it)");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Ledger ledger, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (caller.Role is not (Roles.Partner or Roles.Distributor))
            return TypedResults.Problem(statusCode: 403, title: "Only the partner or a distributor serving it asks for a special bid.");
        var check = new Check();
        var competitor = check.Text("competitor", request.Competitor, 100, required: false);
        var justification = check.Note("justification", request.Justification, 4000);
        if (request.Lines is null || request.Lines.Count == 0) check.Add("lines", "at least one line is required");
        else if (request.Lines.Count > 500) check.Add("lines", "at most 500 lines");
        if (check.Failed) return check.Problem();

        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var pa = await Ledger.Lock(tx, id, ct);
        if (pa is null || !await Scope.MaySee(tx, caller, pa, ct)) return Scope.NoSuchAuthorization(id);
        var paLines = pa.Lines().ToDictionary(l => l.LineNo);
        var lines = new List<SpecialBids.BidLine>();
        for (var i = 0; i < request.Lines!.Count; i++)
        {
            var at = $"lines[{i}]";
            var l = request.Lines[i];
            if (l is null) { check.Add(at, "must be a line"); continue; }
            if (l.LineNo is not { } no || !paLines.TryGetValue(no, out var paLine)) { check.Add($"{at}.lineNo", $"{pa.Number} has no such line"); continue; }
            var sku = l.Sku?.Trim().ToUpperInvariant() ?? paLine.Sku;
            if (sku is null) { check.Add($"{at}.sku", "is required on a family line: which SKU of the family"); continue; }
            var price = paLine.Prices.FirstOrDefault(p => p.Sku == sku);
            if (price is null) { check.Add($"{at}.sku", $"line {no} does not cover {sku}"); continue; }
            if ((l.RequestedNetCost is null) == (l.RequestedDiscountPercent is null))
            {
                check.Add($"{at}.requestedNetCost", "give either requestedNetCost or requestedDiscountPercent");
                continue;
            }
            var net = l.RequestedNetCost ?? Math.Round(price.ListPrice * (100m - l.RequestedDiscountPercent!.Value) / 100m, 2);
            if (l.RequestedDiscountPercent is { } d && (d <= 0 || d >= 100)) { check.Add($"{at}.requestedDiscountPercent", "must be between 0 and 100"); continue; }
            if (net <= 0 || net >= price.NetCost) { check.Add($"{at}.{(l.RequestedNetCost is null ? "requestedDiscountPercent" : "requestedNetCost")}", "must ask for a deeper price than the PA gives"); continue; }
            if (lines.Any(x => x.LineNo == no && x.Sku == sku)) { check.Add($"{at}.sku", $"{sku} of line {no} is asked for twice"); continue; }
            lines.Add(new SpecialBids.BidLine(no, sku, price.ListPrice, net, SpecialBids.DiscountOf(price.ListPrice, net)));
        }
        if (check.Failed) return check.Problem();
        var open = await SpecialBids.Of(conn, tx, pa.Id, caller, ct);
        if (open.Any(b => b.Status == SpecialBidStatus.Requested))
            return TypedResults.Problem(statusCode: 409, title: "A special bid is already waiting for a decision.",
                detail: $"{pa.Number} has a special bid waiting; it is decided before another is asked.",
                extensions: new Dictionary<string, object?> { ["currentStatus"] = pa.Status });

        var bid = new SpecialBids.Bid
        {
            Id = Guid.CreateVersion7(),
            AuthorizationId = pa.Id,
            Status = SpecialBidStatus.Requested,
            RequestedBy = caller.Subject,
            RequestedRole = caller.Role,
            Competitor = competitor,
            Justification = justification!,
            Lines = lines,
            RequestedAt = now,
        };
        var announced = new SpecialBid
        {
            BidId = bid.Id,
            RequestedBy = bid.RequestedBy,
            RequestedRole = bid.RequestedRole,
            Competitor = competitor,
            Justification = bid.Justification,
            Lines = [.. lines.Select(x => new SpecialBidLine { LineNo = x.LineNo, Sku = x.Sku, RequestedNetCost = x.RequestedNetCost!.Value })],
        };
        switch (pa.RequestBid(announced))
        {
            case Refused<PriceAuthorization> refused: return refused.Problem();
            case Moved<PriceAuthorization> move:
                await SpecialBids.Insert(tx, bid, ct);
                await ledger.Commit(tx, pa, move, caller.Subject, now, ct);
                await tx.CommitAsync(ct);
                return TypedResults.Created($"/api/pricing/authorizations/{pa.Id}", SpecialBids.View(bid, caller));
            default: throw new InvalidOperationException("a transition either moves or refuses");
        }
    }
}
