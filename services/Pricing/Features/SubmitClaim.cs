using System.Security.Claims;
using Channel.Contracts.Distributors;
using Channel.Contracts.Pricing;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>
/// A distributor submits a ship-and-debit claim (after X12 844) as CSV or JSON: a claim number and lines of
/// <c>pa_number, invoice_number, invoice_date, reseller_id, end_customer_name, vendor_sku, quantity, book_cost,
/// authorized_cost, claimed_amount</c>. A line that cannot be read makes the whole claim a 400 naming it; every readable
/// line is decided on its own (<see cref="ClaimDecisions"/>) and the answer (after 849) gives each its status, reason
/// code and credit. The same claim number sent again with the same content answers the same (200); with other content, 409.
/// </summary>
public static class SubmitClaim
{
    public sealed record Answer(Claim Claim, IReadOnlyList<ClaimLine> Lines);

    const string Rows = "lines";

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/claims", Handle).RequireAuthorization(Policies.Authenticated)
            .Accepts<object>("text/csv", "application/json").Produces<Answer>(201).Produces<Answer>(200)
            .ProducesValidationProblem().ProducesProblem(403).ProducesProblem(409)
            .WithMetadata(new RequestSizeLimitAttribute(64 * 1024 * 1024))
            .WithSummary("Submit a ship-and-debit claim (a distributor; CSV or JSON after X12 844)");

    static async Task<IResult> Handle(HttpRequest http, ClaimsPrincipal user, NpgsqlDataSource db, ClaimDecisions decisions, Ledger ledger,
        PricingRules rules, TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (caller.Role != Roles.Distributor || caller.DistributorId is not { } distributorId)
            return TypedResults.Problem(statusCode: 403, title: "Only a distributor submits claims.",
                detail: "A claim is a distributor's, for the sales it made at authorized prices.");
        var check = new Check();
        var table = await Table.Read(http, Rows, rules.MaxClaimLines, check, ct);
        if (table is null) return check.Problem("The claim cannot be read.");
        var (number, currency, lines) = Validate(check, table);
        if (check.Failed) return check.Problem("The claim cannot be read.");

        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var status = await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
            "select status from distributors where id = @distributorId", new { distributorId }, tx, cancellationToken: ct));
        if (status is not null && status != DistributorStatus.Active)
            return TypedResults.Problem(statusCode: 403, title: "This distributor may not claim.", detail: $"The distributor is {status}.");
        // One claim number at a time per distributor: a re-sent claim waits for the first, then answers as it did.
        await conn.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(hashtextextended(@key, 0))",
            new { key = $"claim:{distributorId}:{number}" }, tx, cancellationToken: ct));
        var earlier = await conn.QuerySingleOrDefaultAsync<Claim>(new CommandDefinition(
            "select * from claims where distributor_id = @distributorId and claim_number = @number", new { distributorId, number }, tx, cancellationToken: ct));
        if (earlier is not null)
        {
            if (!earlier.ContentHash.SequenceEqual(table.Hash))
                return TypedResults.Problem(statusCode: 409, title: $"Claim {number} was already received with other content.",
                    detail: "A claim number names one claim: send a correction under a new claim number.",
                    extensions: new Dictionary<string, object?> { ["currentStatus"] = earlier.Status, ["existingClaim"] = $"/api/pricing/claims/{earlier.Id}" });
            var stored = await conn.QueryAsync<ClaimLine>(new CommandDefinition(
                "select * from claim_lines where claim_id = @Id order by line_no", new { earlier.Id }, tx, cancellationToken: ct));
            return TypedResults.Ok(new Answer(earlier, [.. stored]));
        }
        var claim = new Claim
        {
            Id = Guid.CreateVersion7(),
            ClaimNumber = number!,
            DistributorId = distributorId,
            Status = ClaimStatus.Validated,
            Currency = currency!,
            ReceivedAt = now,
            ReceivedBy = caller.Subject,
            ContentHash = table.Hash,
            UpdatedAt = now,
        };
        var decided = await decisions.Decide(tx, claim.Id, distributorId, lines, now, ct);
        claim = await ledger.CreateClaim(tx, claim, decided, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/pricing/claims/{claim.Id}", new Answer(claim, decided));
    }

    static (string? Number, string? Currency, List<ClaimRules.Submitted> Lines) Validate(Check check, Table table)
    {
        var numbers = table.Rows.Select(r => r["claim_number"]).Distinct().ToList();
        string? number = null;
        if (numbers.Count > 1) check.Add("claim_number", "every line of a claim carries the same claim number");
        else number = check.Text("claim_number", numbers[0], 60);
        var currencies = table.Rows.Select(r => r["currency"] ?? "USD").Distinct().ToList();
        string? currency = null;
        if (currencies.Count > 1) check.Add("currency", "one claim is in one currency");
        else currency = check.Currency("currency", currencies[0]);
        var lines = new List<ClaimRules.Submitted>(table.Rows.Count);
        foreach (var row in table.Rows)
        {
            var cells = new Cells(check, row, Rows);
            var pa = cells.Text("pa_number", 40);
            var invoice = cells.Text("invoice_number", 60);
            var date = cells.Date("invoice_date");
            var reseller = cells.Id("reseller_id");
            var customer = cells.Text("end_customer_name", 200);
            var sku = cells.Text("vendor_sku", 40);
            var quantity = cells.Decimal("quantity", 0.0001m, 10_000_000m);
            var book = cells.Decimal("book_cost", 0m, 1_000_000_000m);
            var authorized = cells.Decimal("authorized_cost", 0m, 1_000_000_000m);
            var amount = cells.Decimal("claimed_amount", 0m, 1_000_000_000_000m);
            if (pa is null || invoice is null || date is null || reseller is null || customer is null || sku is null
                || quantity is null || book is null || authorized is null || amount is null)
                continue;
            lines.Add(new ClaimRules.Submitted(row.Number, pa.ToUpperInvariant(), invoice, date.Value, reseller.Value, customer, sku.ToUpperInvariant(),
                quantity.Value, book.Value, authorized.Value, amount.Value));
        }
        return (number, currency, lines);
    }
}
