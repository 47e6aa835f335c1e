using Channel.Contracts.Pricing;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Pricing;

/// <summary>
/// Decides claim lines against what the database knows (<see cref="ClaimRules"/> is the rule, line by line): a new claim's
/// lines, the pending lines sell-through arrived for, and those that waited too long; keeps what each PA line has claimed.
/// </summary>
public sealed class ClaimDecisions(Ledger ledger, PricingRules rules)
{
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
    public async Task<List<ClaimLine>> Decide(NpgsqlTransaction tx, Guid claimId, Guid distributorId, IReadOnlyList<ClaimRules.Submitted> lines,
        DateTimeOffset now, CancellationToken ct)
    {
        var conn = tx.Connection!;
        var numbers = lines.Select(l => l.PaNumber).Distinct().ToArray();
        var ids = await conn.QueryAsync<Guid>(new CommandDefinition("select id from authorizations where number = any(@numbers)",
            new { numbers }, tx, cancellationToken: ct));
        var locked = await Ledger.LockAll(tx, ids, ct);
        var eligibility = (await conn.QueryAsync<ClaimRules.Eligibility>(new CommandDefinition(
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
        var known = new ClaimRules.Known(locked.Values.ToDictionary(a => a.Number), eligibility, sold, taken);
        var decided = lines.Select(s => ClaimRules.Decide(claimId, distributorId, s, known, rules, now)).ToList();
        await SaveClaimed(tx, locked, known.Changed, known.Claimed, now, ct);
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
        var claimed = ClaimRules.ClaimedOf(locked.Values);
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
}
