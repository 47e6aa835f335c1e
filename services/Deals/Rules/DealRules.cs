namespace Channel.Deals.Rules;

/// <summary>The numbers of the deal-registration program (configuration section "Deals").</summary>
public sealed class DealRules
{
    public int ProtectionDays { get; set; } = 90;
    public int ExtensionDays { get; set; } = 90;
    public int MaxExtensions { get; set; } = 1;
    public int ApprovalSlaBusinessDays { get; set; } = 2;
    public TimeSpan TimerInterval { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>SKU prefix (before the first '-') → product family. A SKU with an unknown prefix is its own family.</summary>
    public Dictionary<string, string> ProductFamilies { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public string FamilyOf(string sku)
    {
        var prefix = sku.Split('-', 2)[0];
        return ProductFamilies.TryGetValue(prefix, out var family) ? family : prefix.ToLowerInvariant();
    }

    /// <summary>Adds business days, skipping Saturdays and Sundays: Friday 10:00 + 2 is Tuesday 10:00.</summary>
    public static DateTimeOffset AddBusinessDays(DateTimeOffset start, int days)
    {
        var at = start;
        // A deal submitted at the weekend starts counting on Monday morning.
        while (at.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            at = new DateTimeOffset(at.Date.AddDays(1), at.Offset);
        var added = 0;
        while (added < days)
        {
            at = at.AddDays(1);
            if (at.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) added++;
        }
        return at;
    }
}
