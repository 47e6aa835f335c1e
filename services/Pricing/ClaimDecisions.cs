using Channel.Contracts.Pricing;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Pricing;

/// <summary>
/// How a claim line is decided (after X12 849), in this order, the first that applies:
/// <list type="number">
/// <item><c>unknown_authorization</c>: no PA has that number;</item>
/// <item><c>authorization_not_active</c>: the PA awaits its second approval, or the invoice date is before it was valid, after its end, or after it was revoked;</item>
/// <item><c>authorization_suspended</c>: compliance holds the PA now, or held it on the invoice date;</item>
/// <item><c>reseller_mismatch</c>: the reseller is not the PA's partner;</item>
/// <item><c>distributor_not_eligible</c>: the distributor was not authorized for that reseller in the customer's region on the invoice date;</item>
/// <item><c>product_not_authorized</c>: no line of the PA covers the SKU;</item>
/// <item><c>late_claim</c>: filed more than <see cref="PricingRules.ClaimWindowDays"/> after the invoice date;</item>
/// <item><c>duplicate_line</c>: that invoice's SKU is already claimed (in this claim or another);</item>
/// <item><c>cost_mismatch</c>: the book or authorized cost claimed is not the PA's;</item>
/// <item><c>quantity_exceeded</c>: with what is already claimed against the PA line, more than its maximum;</item>
/// <item>pending: no accepted sell-through line yet for that invoice and SKU with at least the quantity (decided when it arrives,
/// rejected <c>no_sell_through</c> after <see cref="PricingRules.SellThroughWaitDays"/>);</item>
/// <item>otherwise accepted, at (book − net) × quantity from the PA, or adjusted to that when another amount was claimed.</item>
/// </list>
/// A line that passes the first nine holds its quantity on the PA line (and its invoice and SKU) while pending, accepted or adjusted.
/// </summary>
public sealed class ClaimDecisions(Ledger ledger, PricingRules rules)
{
    /// <summary>One line as the distributor sent it.</summary>
    public sealed record Submitted(int LineNo, string PaNumber, string InvoiceNumber, DateOnly InvoiceDate, Guid ResellerId, string EndCustomerName,
        string VendorSku, decimal Quantity, decimal BookCost, decimal AuthorizedCost, decimal ClaimedAmount);

    sealed class Eligibility
    {
        public Guid PartnerId { get; init; }
        public string[] Regions { get; init; } = [];
        public bool Active { get; init; }
        public DateTimeOffset? RevokedAt { get; init; }
    }

    sealed class SoldQuantity
    {
        public string InvoiceNumber { get; init; } = "";
        public string VendorSku { get; init; } = "";
        public decimal Quantity { get; init; }
    }

    const string Sold = """
        select s.invoice_number, s.vendor_sku, sum(s.quantity) as quantity
        from sell_through_lines s join unnest(@Invoices::text[], @Skus::text[]) k(invoice_number, vendor_sku)
          on s.invoice_number = k.invoice_number and s.vendor_sku = k.vendor_sku
        where s.distributor_id = @DistributorId
        group by s.invoice_number, s.vendor_sku
        """;

    const string AlreadyClaimed = """
        select c.invoice_number, c.vendor_sku, c.quantity
        from claim_lines c join unnest(@Invoices::text[], @Skus::text[]) k(invoice_number, vendor_sku)
          on c.invoice_number = k.invoice_number and c.vendor_sku = k.vendor_sku
        where c.distributor_id = @DistributorId and c.reserved
        """;

    /// <summary>Decides every line of a new claim, and saves the quantity its lines hold on each PA (the PAs locked in id order).</summary>
    public async Task<List<ClaimLine>> Decide(NpgsqlTransaction tx, Guid claimId, Guid distributorId, IReadOnlyList<Submitted> lines,
        DateTimeOffset now, CancellationToken ct)
    {
        var conn = tx.Connection!;
        var numbers = lines.Select(l => l.PaNumber).Distinct().ToArray();
        var ids = await conn.QueryAsync<Guid>(new CommandDefinition("select id from authorizations where number = any(@numbers)",
            new { numbers }, tx, cancellationToken: ct));
        var locked = await Ledger.LockAll(tx, ids, ct);
        var byNumber = locked.Values.ToDictionary(a => a.Number);
        var paLines = locked.Values.ToDictionary(a => a.Id, a => a.Lines());
        var claimed = paLines.SelectMany(p => p.Value.Select(l => (Key: (p.Key, l.LineNo), l.ClaimedQuantity)))
            .ToDictionary(x => x.Key, x => x.ClaimedQuantity);
        var eligibility = (await conn.QueryAsync<Eligibility>(new CommandDefinition(
            "select partner_id, regions, active, revoked_at from reseller_authorizations where distributor_id = @distributorId",
            new { distributorId }, tx, cancellationToken: ct))).ToLookup(e => e.PartnerId);
        var keys = new
        {
            DistributorId = distributorId,
            Invoices = lines.Select(l => l.InvoiceNumber).ToArray(),
            Skus = lines.Select(l => l.VendorSku).ToArray(),
        };
        var sold = (await conn.QueryAsync<SoldQuantity>(new CommandDefinition(Sold, keys, tx, cancellationToken: ct)))
            .ToDictionary(s => (s.InvoiceNumber, s.VendorSku), s => s.Quantity);
        var taken = (await conn.QueryAsync<SoldQuantity>(new CommandDefinition(AlreadyClaimed, keys, tx, cancellationToken: ct)))
            .Select(s => (s.InvoiceNumber, s.VendorSku)).ToHashSet();
        var today = DateOnly.FromDateTime(now.UtcDateTime);

        var decided = new List<ClaimLine>(lines.Count);
        var changed = new HashSet<Guid>();
        foreach (var s in lines)
        {
            var line = new ClaimLine
            {
                ClaimId = claimId,
                LineNo = s.LineNo,
                DistributorId = distributorId,
                PaNumber = s.PaNumber,
                InvoiceNumber = s.InvoiceNumber,
                InvoiceDate = s.InvoiceDate,
                ResellerId = s.ResellerId,
                EndCustomerName = s.EndCustomerName,
                VendorSku = s.VendorSku,
                Quantity = s.Quantity,
                BookCost = s.BookCost,
                AuthorizedCost = s.AuthorizedCost,
                ClaimedAmount = s.ClaimedAmount,
            };
            if (!byNumber.TryGetValue(s.PaNumber, out var pa)) { decided.Add(line.Rejected(ClaimReason.UnknownAuthorization, now)); continue; }
            line = line with { AuthorizationId = pa.Id, DealId = pa.DealId };
            if (!ActiveOn(pa, s.InvoiceDate)) { decided.Add(line.Rejected(ClaimReason.AuthorizationNotActive, now)); continue; }
            if (pa.Status == PriceAuthorizationStatus.Suspended || pa.SuspendedOn(s.InvoiceDate))
            { decided.Add(line.Rejected(ClaimReason.AuthorizationSuspended, now)); continue; }
            if (s.ResellerId != pa.PartnerId) { decided.Add(line.Rejected(ClaimReason.ResellerMismatch, now)); continue; }
            if (!eligibility[pa.PartnerId].Any(e => e.Regions.Contains(pa.CustomerRegion)
                    && (e.Active || (e.RevokedAt is { } revoked && DateOnly.FromDateTime(revoked.UtcDateTime) >= s.InvoiceDate))))
            { decided.Add(line.Rejected(ClaimReason.DistributorNotEligible, now)); continue; }
            var covering = paLines[pa.Id].Where(l => l.Sku == s.VendorSku).Concat(paLines[pa.Id].Where(l => l.Sku is null))
                .Select(l => (Line: l, Price: l.Prices.FirstOrDefault(p => p.Sku == s.VendorSku)))
                .FirstOrDefault(x => x.Price is not null);
            if (covering.Price is null) { decided.Add(line.Rejected(ClaimReason.ProductNotAuthorized, now)); continue; }
            var price = covering.Price;
            line = line with { PaLineNo = covering.Line.LineNo, AuthorizedCredit = Math.Round((price.BookCost - price.NetCost) * s.Quantity, 2) };
            if (today.DayNumber - s.InvoiceDate.DayNumber > rules.ClaimWindowDays) { decided.Add(line.Rejected(ClaimReason.LateClaim, now)); continue; }
            if (taken.Contains((s.InvoiceNumber, s.VendorSku))) { decided.Add(line.Rejected(ClaimReason.DuplicateLine, now)); continue; }
            if (Math.Abs(s.BookCost - price.BookCost) > rules.CostTolerance || Math.Abs(s.AuthorizedCost - price.NetCost) > rules.CostTolerance)
            { decided.Add(line.Rejected(ClaimReason.CostMismatch, now)); continue; }
            var key = (pa.Id, covering.Line.LineNo);
            if (claimed[key] + s.Quantity > covering.Line.MaxQuantity) { decided.Add(line.Rejected(ClaimReason.QuantityExceeded, now)); continue; }
            // The line holds its quantity and its invoice's SKU from here on (pending, accepted or adjusted).
            taken.Add((s.InvoiceNumber, s.VendorSku));
            claimed[key] += s.Quantity;
            changed.Add(pa.Id);
            decided.Add(sold.GetValueOrDefault((s.InvoiceNumber, s.VendorSku)) >= s.Quantity ? line.Granted(now) : line.Pending(now));
        }
        await SaveClaimed(tx, locked, changed, claimed, now, ct);
        return decided;
    }

    /// <summary>Accepted sell-through arrived for these invoices and SKUs: the pending lines it covers are decided.</summary>
    public async Task SellThroughArrived(NpgsqlTransaction tx, Guid distributorId, IReadOnlyCollection<(string Invoice, string Sku)> arrived,
        DateTimeOffset now, CancellationToken ct)
    {
        var conn = tx.Connection!;
        var keys = new { DistributorId = distributorId, Invoices = arrived.Select(k => k.Invoice).ToArray(), Skus = arrived.Select(k => k.Sku).ToArray() };
        var claims = await conn.QueryAsync<Guid>(new CommandDefinition($"""
            select distinct c.claim_id from claim_lines c join unnest(@Invoices::text[], @Skus::text[]) k(invoice_number, vendor_sku)
              on c.invoice_number = k.invoice_number and c.vendor_sku = k.vendor_sku
            where c.distributor_id = @DistributorId and c.status = '{ClaimLineStatus.Pending}'
            order by c.claim_id
            """, keys, tx, cancellationToken: ct));
        var sold = (await conn.QueryAsync<SoldQuantity>(new CommandDefinition(Sold, keys, tx, cancellationToken: ct)))
            .ToDictionary(s => (s.InvoiceNumber, s.VendorSku), s => s.Quantity);
        foreach (var claimId in claims)
        {
            var claim = (await Ledger.LockClaim(tx, claimId, ct))!;
            var pending = await conn.QueryAsync<ClaimLine>(new CommandDefinition(
                $"select * from claim_lines where claim_id = @claimId and status = '{ClaimLineStatus.Pending}' order by line_no",
                new { claimId }, tx, cancellationToken: ct));
            var changes = pending.Where(l => sold.GetValueOrDefault((l.InvoiceNumber, l.VendorSku)) >= l.Quantity)
                .Select(l => (l, l.Granted(now))).ToList();
            if (claim.Decide(changes, "sell_through_arrived", "pricing") is Moved<Claim> move)
                await ledger.CommitClaim(tx, claim, move, "pricing", now, ct);
        }
    }

    /// <summary>A claim's pending lines that waited too long for their sell-through: rejected, their quantity given back to the PA.</summary>
    public async Task TimeOut(NpgsqlTransaction tx, Claim claim, DateTimeOffset now, CancellationToken ct)
    {
        var conn = tx.Connection!;
        var pending = (await conn.QueryAsync<ClaimLine>(new CommandDefinition(
            $"select * from claim_lines where claim_id = @Id and status = '{ClaimLineStatus.Pending}' order by line_no",
            new { claim.Id }, tx, cancellationToken: ct))).ToList();
        if (claim.Decide([.. pending.Select(l => (l, l.Rejected(ClaimReason.NoSellThrough, now)))], "sell_through_timed_out", "timer") is not Moved<Claim> move)
            return;
        await ledger.CommitClaim(tx, claim, move, "timer", now, ct);
        await Release(tx, pending, now, ct);
    }

    /// <summary>Lines that no longer hold their quantity give it back to their PA lines.</summary>
    public Task Release(NpgsqlTransaction tx, IEnumerable<ClaimLine> lines, DateTimeOffset now, CancellationToken ct) =>
        Adjust(tx, lines, -1, now, ct);

    /// <summary>Lines that now hold their quantity (a manager's override) take it on their PA lines.</summary>
    public Task Reserve(NpgsqlTransaction tx, IEnumerable<ClaimLine> lines, DateTimeOffset now, CancellationToken ct) =>
        Adjust(tx, lines, 1, now, ct);

    async Task Adjust(NpgsqlTransaction tx, IEnumerable<ClaimLine> lines, int sign, DateTimeOffset now, CancellationToken ct)
    {
        var held = lines.Where(l => l.AuthorizationId is not null && l.PaLineNo is not null).ToList();
        if (held.Count == 0) return;
        var locked = await Ledger.LockAll(tx, held.Select(l => l.AuthorizationId!.Value), ct);
        var claimed = locked.Values.SelectMany(a => a.Lines().Select(l => (Key: (a.Id, l.LineNo), l.ClaimedQuantity)))
            .ToDictionary(x => x.Key, x => x.ClaimedQuantity);
        foreach (var l in held)
        {
            var key = (l.AuthorizationId!.Value, l.PaLineNo!.Value);
            if (claimed.ContainsKey(key)) claimed[key] = Math.Max(0m, claimed[key] + sign * l.Quantity);
        }
        await SaveClaimed(tx, locked, [.. locked.Keys], claimed, now, ct);
    }

    async Task SaveClaimed(NpgsqlTransaction tx, Dictionary<Guid, PriceAuthorization> locked, IEnumerable<Guid> changed,
        Dictionary<(Guid, int), decimal> claimed, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var id in changed.Order())
        {
            var pa = locked[id];
            var quantities = claimed.Where(c => c.Key.Item1 == id).ToDictionary(c => c.Key.Item2, c => c.Value);
            if (pa.Claimed(quantities, now) is Moved<PriceAuthorization> move && move.State.LinesJson != pa.LinesJson)
                await ledger.Commit(tx, pa, move, "pricing", now, ct);
        }
    }

    /// <summary>The PA authorized sales on that date: approved (not awaiting a second approver), within its validity, before any revocation.</summary>
    static bool ActiveOn(PriceAuthorization pa, DateOnly invoiceDate)
    {
        if (pa.Status == PriceAuthorizationStatus.PendingApproval
            || pa.Status == PriceAuthorizationStatus.Suspended && pa.ResumeTo == PriceAuthorizationStatus.PendingApproval) return false;
        var day = (DateTimeOffset t) => DateOnly.FromDateTime(t.UtcDateTime);
        if (invoiceDate < day(pa.ValidFrom) || invoiceDate > day(pa.ValidUntil)) return false;
        return pa.RevokedAt is not { } revoked || invoiceDate <= day(revoked);
    }
}
