using Channel.Hosting.Auth;

namespace Channel.Notifications.Mail;

/// <summary>One kind of mail: who it is for, what it is about, and whether its reader can choose.</summary>
public sealed record MailKind(string Name, string Description, IReadOnlyList<string> Roles, string Default = MailKinds.On,
    bool Security = false, bool Digest = false)
{
    /// <summary>The settings a reader may pick: none for security mail; daily for a kind that has a digest.</summary>
    public IReadOnlyList<string> Choices => Security ? [MailKinds.On] : Digest ? [MailKinds.On, MailKinds.Daily, MailKinds.Off] : [MailKinds.On, MailKinds.Off];
}

/// <summary>Every kind of mail this service sends, and who may receive it by default.</summary>
public static class MailKinds
{
    public const string On = "on";
    public const string Off = "off";
    public const string Daily = "daily";

    static readonly string[] PartnerUsers = [Roles.Partner];
    static readonly string[] DistributorUsers = [Roles.Distributor];
    static readonly string[] Managers = [Roles.ChannelManager, Roles.Admin];
    static readonly string[] Everyone = Roles.All;

    public static readonly IReadOnlyList<MailKind> All =
    [
        new("application-received", "Your partner application was received", PartnerUsers),
        new("application-approved", "Your partner application was approved", PartnerUsers),
        new("application-rejected", "Your partner application was rejected", PartnerUsers),
        new("deal-approved", "A deal registration of yours was approved", PartnerUsers),
        new("deal-returned", "A deal registration of yours was returned for changes", PartnerUsers),
        new("deal-rejected", "A deal registration of yours was rejected", PartnerUsers),
        new("deal-extended", "A deal's protection was extended", PartnerUsers),
        new("deal-protection-ending", "A deal's protection ends in 14 days, and again at 3 days", PartnerUsers),
        new("deal-expired", "A deal's protection expired", PartnerUsers),
        new("deal-won-by-sell-through", "A distributor's sell-through won one of your deals", PartnerUsers),
        new("authorization-granted", "A distributor was authorized to serve a partner (you, or one you serve)", [Roles.Partner, Roles.Distributor]),
        new("authorization-revoked", "A distributor's authorization to serve a partner was revoked", [Roles.Partner, Roles.Distributor]),
        new("report-processed", "A sell-through report of yours was processed (its refused lines attached)", DistributorUsers),
        new("price-authorization-issued", "A deal of yours earned a price authorization (special pricing)", PartnerUsers),
        new("price-authorization-revoked", "A price authorization on a deal of yours was withdrawn", PartnerUsers),
        new("price-authorization-suspended", "Compliance suspended a price authorization on a deal of yours", PartnerUsers),
        new("price-authorization-resumed", "A suspended price authorization on a deal of yours is in force again", PartnerUsers),
        new("special-bid-decided", "A special bid on a deal of yours was approved, countered or rejected", PartnerUsers),
        new("claim-answered", "A ship-and-debit claim of yours was answered line by line", DistributorUsers),
        new("claim-settled", "A ship-and-debit claim of yours was settled with a credit memo", DistributorUsers),
        new("partner-applied", "A new partner application", Managers),
        new("deal-registered", "A new deal registration (each one, or one digest a day)", Managers, Digest: true),
        new("deal-compliance-review", "A deal registration held for compliance review", Managers),
        new("deal-overdue", "A deal registration waiting past its approval deadline", Managers),
        new("price-authorization-approval", "A price authorization deeper than one approver may give waits for a second", Managers),
        new("special-bid-requested", "A special bid (a deeper price on a price authorization) waits for a decision", Managers),
        new(WeeklySummary.Kind, "A weekly summary of the channel's pipeline, on Mondays", [Roles.Leadership], Default: Off),
        new("webhook-disabled", "A webhook subscription of yours was disabled after repeated failures", Everyone, Security: true),
        new("account-invited", "Your invitation to Channel, with the link to set your password", Everyone, Security: true),
        new("password-reset", "A link to choose a new password, when you (or an admin) asked for one", Everyone, Security: true),
        new("password-changed", "Your password was changed", Everyone, Security: true),
        new("account-locked", "Your account was locked after too many wrong attempts", Everyone, Security: true),
    ];

    public static readonly IReadOnlyDictionary<string, MailKind> ByName = All.ToDictionary(k => k.Name);

    /// <summary>The kinds a person in this role can receive.</summary>
    public static IEnumerable<MailKind> For(string role) => All.Where(k => k.Roles.Contains(role));
}
