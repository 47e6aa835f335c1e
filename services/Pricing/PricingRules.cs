using Channel.Contracts.Partners;

namespace Channel.Pricing;

/// <summary>
/// The pricing program's rules (section <c>Pricing</c>): the discount off list price each tier earns on a registered
/// deal, the competitive bonus for a named incumbent, when a second approver is needed, which deals are eligible,
/// and the claim windows.
/// </summary>
public sealed class PricingRules
{
    /// <summary>Percent off list price by partner tier.</summary>
    public Dictionary<string, decimal> TierDiscounts { get; set; } = new()
    {
        [PartnerTier.Registered] = 40m,
        [PartnerTier.Silver] = 44m,
        [PartnerTier.Gold] = 48m,
        [PartnerTier.Platinum] = 52m,
    };

    /// <summary>Percentage points added when the registration names one of <see cref="CompetitiveVendors"/> as the incumbent.</summary>
    public decimal CompetitiveBonus { get; set; } = 5m;

    public string[] CompetitiveVendors { get; set; } = ["Cisco", "Juniper", "Arista", "HPE Aruba", "Fortinet", "Extreme Networks", "Ubiquiti"];

    /// <summary>A discount above this (percent) waits for a second channel manager, not the deal's approver.</summary>
    public decimal SecondApprovalAbove { get; set; } = 55m;

    /// <summary>A deal below this total value earns no price authorization.</summary>
    public decimal MinimumDealValue { get; set; } = 10_000m;

    /// <summary>A claim line filed more than this many days after its invoice date is late.</summary>
    public int ClaimWindowDays { get; set; } = 90;

    /// <summary>A pending claim line whose sell-through has not arrived this many days after the claim is rejected (no_sell_through).</summary>
    public int SellThroughWaitDays { get; set; } = 60;

    /// <summary>How far a claimed cost may be from the authorized one and still match (rounding).</summary>
    public decimal CostTolerance { get; set; } = 0.01m;

    /// <summary>At most this many lines in one claim.</summary>
    public int MaxClaimLines { get; set; } = 50_000;

    /// <summary>How often the timers look for PAs whose validity ended and pending lines that waited too long.</summary>
    public TimeSpan TimerInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The discount a partner of this tier earns, with the competitive bonus when the incumbent is a listed competitor.</summary>
    public decimal DiscountFor(string tier, string? incumbent) =>
        TierDiscounts.GetValueOrDefault(tier, TierDiscounts.GetValueOrDefault(PartnerTier.Registered)) + (IsCompetitive(incumbent) ? CompetitiveBonus : 0m);

    public bool IsCompetitive(string? incumbent) =>
        incumbent is not null && CompetitiveVendors.Any(v => string.Equals(v.Trim(), incumbent.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The authorized net cost: list price less the discount, never above the book cost (then there is nothing to claim).</summary>
    public static decimal NetCost(decimal listPrice, decimal bookCost, decimal discountPercent) =>
        Math.Min(bookCost, Math.Round(listPrice * (100m - discountPercent) / 100m, 2, MidpointRounding.AwayFromZero));
}
