namespace Channel.Notifications.Webhooks;

/// <summary>
/// The event kinds a webhook can subscribe to, named after the events that carry them (the names
/// are the public contract: a renamed event keeps its kind). Each owner kind may subscribe to the
/// kinds about things it can see: a partner to its deals, itself and its distributors'
/// authorizations; a distributor to the deals it registered, itself and its authorizations; the
/// vendor to everything.
/// </summary>
public static class WebhookKinds
{
    public const string Ping = "ping";

    /// <summary>Event type name → kind.</summary>
    public static readonly IReadOnlyDictionary<string, string> ByEvent = new Dictionary<string, string>
    {
        ["DealRegistered"] = "deal.registered",
        ["DealApproved"] = "deal.approved",
        ["DealRejected"] = "deal.rejected",
        ["DealReturned"] = "deal.returned",
        ["DealEdited"] = "deal.edited",
        ["DealResubmitted"] = "deal.resubmitted",
        ["DealScreened"] = "deal.screened",
        ["DealExtensionRequested"] = "deal.extension_requested",
        ["DealExtended"] = "deal.extended",
        ["DealApprovalOverdue"] = "deal.approval_overdue",
        ["DealWon"] = "deal.won",
        ["DealActualAmountRevised"] = "deal.actual_amount_revised",
        ["DealLost"] = "deal.lost",
        ["DealExpired"] = "deal.expired",
        ["PartnerApplied"] = "partner.applied",
        ["PartnerPlacedOnHold"] = "partner.placed_on_hold",
        ["PartnerHoldCleared"] = "partner.hold_cleared",
        ["PartnerScreened"] = "partner.screened",
        ["PartnerApproved"] = "partner.approved",
        ["PartnerRejected"] = "partner.rejected",
        ["PartnerSuspended"] = "partner.suspended",
        ["PartnerReinstated"] = "partner.reinstated",
        ["PartnerTerminated"] = "partner.terminated",
        ["PartnerTierChanged"] = "partner.tier_changed",
        ["PartnerUserAdded"] = "partner.user_added",
        ["PartnerUserRoleChanged"] = "partner.user_role_changed",
        ["PartnerUserRemoved"] = "partner.user_removed",
        ["DistributorOnboarded"] = "distributor.onboarded",
        ["DistributorUserAdded"] = "distributor.user_added",
        ["DistributorUserRoleChanged"] = "distributor.user_role_changed",
        ["DistributorUserRemoved"] = "distributor.user_removed",
        ["ResellerAuthorized"] = "authorization.granted",
        ["ResellerAuthorizationRevoked"] = "authorization.revoked",
    };

    public static readonly IReadOnlyList<string> All = [.. ByEvent.Values.Order(StringComparer.Ordinal)];

    /// <summary>The kinds an owner of this kind may subscribe to.</summary>
    public static IReadOnlyList<string> For(string ownerKind) => ownerKind switch
    {
        Owners.Partner => [.. All.Where(k => k.StartsWith("deal.", StringComparison.Ordinal) || k.StartsWith("partner.", StringComparison.Ordinal)
            || k.StartsWith("authorization.", StringComparison.Ordinal))],
        Owners.Distributor => [.. All.Where(k => k.StartsWith("deal.", StringComparison.Ordinal) || k.StartsWith("distributor.", StringComparison.Ordinal)
            || k.StartsWith("authorization.", StringComparison.Ordinal))],
        _ => All,
    };

    static readonly IReadOnlyDictionary<string, Type> types = typeof(Channel.Contracts.Deals.IDealEvent).Assembly.GetTypes()
        .Where(t => ByEvent.ContainsKey(t.Name)).ToDictionary(t => t.Name);

    /// <summary>
    /// The kind and contract type of the event whose message type is this URN (<c>urn:message:Namespace:Type</c>),
    /// or null for one that is not delivered (a replay of state, say).
    /// </summary>
    public static (string Kind, Type Type)? OfMessageType(string? urn)
    {
        var name = urn?[(urn.LastIndexOf(':') + 1)..];
        return name is not null && ByEvent.TryGetValue(name, out var kind) && types.TryGetValue(name, out var type) ? (kind, type) : null;
    }
}

/// <summary>Who owns a subscription.</summary>
public static class Owners
{
    public const string Partner = "partner";
    public const string Distributor = "distributor";
    public const string Vendor = "vendor";
}
