using Channel.Deals.Rules;

namespace Channel.Deals.Tests;

/// <summary>The deal-registration program's numbers as rules alone: approval deadlines in business days, product families of SKUs.</summary>
[Trait("Category", "Rules")]
public sealed class ApplyingTheProgramRules
{
    [Theory]
    [InlineData("2026-11-25T15:00:00Z", 2, "2026-11-27T15:00:00Z")] // Wednesday → Friday
    [InlineData("2026-11-27T10:00:00Z", 2, "2026-12-01T10:00:00Z")] // Friday → Tuesday
    [InlineData("2026-11-28T10:00:00Z", 2, "2026-12-02T00:00:00Z")] // Saturday → Monday and Tuesday count
    [InlineData("2026-11-29T10:00:00Z", 1, "2026-12-01T00:00:00Z")] // Sunday → Monday counts, Tuesday
    [InlineData("2026-11-28T10:00:00Z", 0, "2026-11-30T00:00:00Z")] // Saturday, no days: Monday morning
    [InlineData("2026-11-26T09:00:00Z", 1, "2026-11-27T09:00:00Z")] // Thursday → Friday
    [InlineData("2026-11-26T09:00:00Z", 0, "2026-11-26T09:00:00Z")] // Thursday, no days: at once
    [InlineData("2026-11-27T23:30:00-05:00", 1, "2026-11-30T23:30:00-05:00")] // Friday evening in New York → Monday, in its own offset
    public void Business_days_skip_weekends(string start, int days, string due)
    {
        var at = DealRules.AddBusinessDays(DateTimeOffset.Parse(start), days);
        Assert.Equal(DateTimeOffset.Parse(due), at);
        Assert.Equal(DateTimeOffset.Parse(due).Offset, at.Offset);
    }

    [Theory]
    [InlineData("RT-9000", "routers")]
    [InlineData("rt-9000-xl", "routers")]
    [InlineData("SW-24P", "switches")]
    [InlineData("AP-310", "ap")]
    [InlineData("WIDGET", "widget")]
    public void A_skus_family_is_its_prefix_as_configured_or_the_prefix_itself(string sku, string family)
    {
        var rules = new DealRules { ProductFamilies = new(StringComparer.OrdinalIgnoreCase) { ["RT"] = "routers", ["sw"] = "switches" } };
        Assert.Equal(family, rules.FamilyOf(sku));
    }

    [Fact]
    public void The_programs_defaults_are_ninety_days_of_protection_one_extension_and_two_business_days_to_decide()
    {
        var rules = new DealRules();
        Assert.Equal((90, 90, 1, 2, TimeSpan.FromSeconds(30)),
            (rules.ProtectionDays, rules.ExtensionDays, rules.MaxExtensions, rules.ApprovalSlaBusinessDays, rules.TimerInterval));
        Assert.Equal("routers", new DealRules { ProductFamilies = { ["RT"] = "routers" } }.FamilyOf("rt-1"));
    }

    [Fact]
    public void A_registrations_sector_is_one_of_the_five_the_program_reports_on() =>
        Assert.Equal(["commercial", "education", "healthcare", "government", "military"], Sectors.All);
}
