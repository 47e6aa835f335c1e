using Channel.Contracts.Pricing;

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
public static class ClaimRules
{
    /// <summary>One line as the distributor sent it.</summary>
    public sealed record Submitted(int LineNo, string PaNumber, string InvoiceNumber, DateOnly InvoiceDate, Guid ResellerId, string EndCustomerName,
        string VendorSku, decimal Quantity, decimal BookCost, decimal AuthorizedCost, decimal ClaimedAmount);

    /// <summary>The distributor's authorization to serve a reseller (Distributors' copy): where, and whether it still stands.</summary>
    public sealed class Eligibility
    {
        public Guid PartnerId { get; init; }
        public string[] Regions { get; init; } = [];
        public bool Active { get; init; }
        public DateTimeOffset? RevokedAt { get; init; }
    }

    /// <summary>
    /// What the lines of one claim are decided against: its PAs by number, the distributor's authorizations by reseller, the
    /// quantity sold per invoice and SKU, and the invoices' SKUs already claimed. A line that holds its quantity adds to
    /// <see cref="Taken"/> and <see cref="Claimed"/>, so the next line sees it, and its PA to <see cref="Changed"/>.
    /// </summary>
    public sealed record Known(IReadOnlyDictionary<string, PriceAuthorization> ByNumber, ILookup<Guid, Eligibility> Eligibility,
        IReadOnlyDictionary<(string Invoice, string Sku), decimal> Sold, HashSet<(string Invoice, string Sku)> Taken)
    {
        /// <summary>Each PA's lines, read once for the whole claim.</summary>
        public IReadOnlyDictionary<Guid, IReadOnlyList<PriceAuthorizationLine>> Lines { get; } = ByNumber.Values.ToDictionary(a => a.Id, a => a.Lines());

        /// <summary>The quantity each PA line has claimed, the lines decided so far included.</summary>
        public Dictionary<(Guid Authorization, int Line), decimal> Claimed { get; } = ClaimedOf(ByNumber.Values);

        public HashSet<Guid> Changed { get; } = [];
    }

    /// <summary>One line's decision, the first rule that applies (see the list above).</summary>
    public static ClaimLine Decide(Guid claimId, Guid distributorId, Submitted s, Known known, PricingRules rules, DateTimeOffset now)
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
        if (!known.ByNumber.TryGetValue(s.PaNumber, out var pa)) return line.Rejected(ClaimReason.UnknownAuthorization, now);
        line = line with { AuthorizationId = pa.Id, DealId = pa.DealId };
        if (!ActiveOn(pa, s.InvoiceDate)) return line.Rejected(ClaimReason.AuthorizationNotActive, now);
        if (pa.Status == PriceAuthorizationStatus.Suspended || pa.SuspendedOn(s.InvoiceDate)) return line.Rejected(ClaimReason.AuthorizationSuspended, now);
        if (s.ResellerId != pa.PartnerId) return line.Rejected(ClaimReason.ResellerMismatch, now);
        if (!known.Eligibility[pa.PartnerId].Any(e => e.Regions.Contains(pa.CustomerRegion)
                && (e.Active || (e.RevokedAt is { } revoked && DateOnly.FromDateTime(revoked.UtcDateTime) >= s.InvoiceDate))))
            return line.Rejected(ClaimReason.DistributorNotEligible, now);
        var paLines = known.Lines[pa.Id];
        var covering = paLines.Where(l => l.Sku == s.VendorSku).Concat(paLines.Where(l => l.Sku is null))
            .Select(l => (Line: l, Price: l.Prices.FirstOrDefault(p => p.Sku == s.VendorSku)))
            .FirstOrDefault(x => x.Price is not null);
        if (covering.Price is not { } price) return line.Rejected(ClaimReason.ProductNotAuthorized, now);
        line = line with { PaLineNo = covering.Line.LineNo, AuthorizedCredit = Math.Round((price.BookCost - price.NetCost) * s.Quantity, 2) };
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (today.DayNumber - s.InvoiceDate.DayNumber > rules.ClaimWindowDays) return line.Rejected(ClaimReason.LateClaim, now);
        if (known.Taken.Contains((s.InvoiceNumber, s.VendorSku))) return line.Rejected(ClaimReason.DuplicateLine, now);
        if (Math.Abs(s.BookCost - price.BookCost) > rules.CostTolerance || Math.Abs(s.AuthorizedCost - price.NetCost) > rules.CostTolerance)
            return line.Rejected(ClaimReason.CostMismatch, now);
        var key = (pa.Id, covering.Line.LineNo);
        if (known.Claimed[key] + s.Quantity > covering.Line.MaxQuantity) return line.Rejected(ClaimReason.QuantityExceeded, now);
        // The line holds its quantity and its invoice's SKU from here on (pending, accepted or adjusted).
        known.Taken.Add((s.InvoiceNumber, s.VendorSku));
        known.Claimed[key] += s.Quantity;
        known.Changed.Add(pa.Id);
        return known.Sold.GetValueOrDefault((s.InvoiceNumber, s.VendorSku)) >= s.Quantity ? line.Granted(now) : line.Pending(now);
    }

    /// <summary>The PA authorized sales on that date: approved (not awaiting a second approver), within its validity, before any revocation.</summary>
    public static bool ActiveOn(PriceAuthorization pa, DateOnly invoiceDate)
    {
        if (pa.Status == PriceAuthorizationStatus.PendingApproval
            || pa.Status == PriceAuthorizationStatus.Suspended && pa.ResumeTo == PriceAuthorizationStatus.PendingApproval) return false;
        var day = (DateTimeOffset t) => DateOnly.FromDateTime(t.UtcDateTime);
        if (invoiceDate < day(pa.ValidFrom) || invoiceDate > day(pa.ValidUntil)) return false;
        return pa.RevokedAt is not { } revoked || invoiceDate <= day(revoked);
    }

    /// <summary>The quantity each line of these PAs has claimed.</summary>
    public static Dictionary<(Guid Authorization, int Line), decimal> ClaimedOf(IEnumerable<PriceAuthorization> authorizations) =>
        authorizations.SelectMany(a => a.Lines().Select(l => (Key: (a.Id, l.LineNo), l.ClaimedQuantity))).ToDictionary(x => x.Key, x => x.ClaimedQuantity);
}
