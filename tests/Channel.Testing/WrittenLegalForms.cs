using Xunit;

namespace Channel.Testing;

/// <summary>
/// Legal forms as companies write them after their names, for the name rules of Deals, Partners and Compliance: each
/// is dropped from "Acme …", so each form those rules know is shown to be dropped as it is written in the wild.
/// </summary>
public static class WrittenLegalForms
{
    /// <summary>The forms all three drop.</summary>
    public static readonly string[] Everywhere =
    [
        "Inc.", "Incorporated", "L.L.C.", "LLP", "L.P.", "Ltd.", "Limited", "Corp.", "Corporation", "Co.", "Company", "PLC",
        "GmbH", "AG", "KG", "OHG", "UG", "S.A.", "S.A.S.", "S.à r.l.", "SARL", "S.L.", "S.A.U.", "S.p.A.",
        "S.r.l.", "B.V.", "N.V.", "Oy", "AB", "AS", "ASA", "ApS", "Pty Ltd", "Pte. Ltd.", "K.K.", "Sdn. Bhd.", "Kft.", "Zrt.",
        "s.r.o.", "Sp. z o.o.", "d.o.o.", "Ltda.", "C.V.", "SACV", "S.A. de C.V.", "S. de R.L.", "Pvt. Ltd.", "JSC", "PJSC",
        "OJSC", "OOO", "OAO", "ZAO",
    ];

    /// <summary>Words Deals and Partners also drop (on a screening list they name a different party).</summary>
    public static readonly string[] ChannelOnly = ["Private Limited", "Holdings", "Group", "Holdings Co., Ltd."];

    public static TheoryData<string> Of(params string[][] sets) => [.. sets.SelectMany(s => s)];
}
