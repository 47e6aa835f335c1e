using System.Text.Json;
using System.Text.Json.Serialization;
using Channel.Contracts.Pricing;
using Channel.Hosting.Auth;
using Channel.Messaging;

namespace Channel.Pricing;

/// <summary>
/// A price authorization (PA) as stored, and its whole lifecycle: each transition takes the current
/// state and returns the next one with the event that announces it, or a refusal.
/// <see cref="Ledger.Commit(Npgsql.NpgsqlTransaction, PriceAuthorization, Moved{PriceAuthorization}, string, DateTimeOffset, CancellationToken)"/>
/// is the only way a change is saved.
/// <code>
/// issued ─▶ pending_approval ──second approver──▶ active ──every quantity claimed──▶ consumed
///                 │  ▲                              │ ▲ special bid (new revision)
///                 │  └── compliance hold / clear ──▶ suspended ◀─┘ (back to what it was when the last hold is cleared)
///                 └──────── revoke / expire ────────┴─┴──▶ revoked, expired
/// </code>
/// </summary>
public sealed record PriceAuthorization
{
    public Guid Id { get; init; }
    public string Number { get; init; } = "";
    public Guid DealId { get; init; }
    public Guid PartnerId { get; init; }
    public string CustomerName { get; init; } = "";
    public string CustomerCountry { get; init; } = "";
    public string CustomerRegion { get; init; } = "";
    public string Status { get; init; } = "";
    public int Revision { get; init; }
    public string Tier { get; init; } = "";
    public string? IncumbentVendor { get; init; }
    public string? DealApprover { get; init; }
    public string? ApprovedBy { get; init; }
    public DateTimeOffset ValidFrom { get; init; }
    public DateTimeOffset ValidUntil { get; init; }
    public string Currency { get; init; } = "";
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RevokedReason { get; init; }
    /// <summary>What holds it while suspended (<see cref="AuthorizationHolds"/>).</summary>
    public string[] Holds { get; init; } = [];
    /// <summary>The status a suspended PA goes back to.</summary>
    public string? ResumeTo { get; init; }
    public DateTimeOffset? SuspendedAt { get; init; }
    public string? SuspendedReason { get; init; }
    /// <summary>Every span it was suspended, as JSON (<see cref="Suspension"/>).</summary>
    [JsonIgnore] public string Suspensions { get; init; } = "[]";
    [JsonIgnore] public long ScreeningSequence { get; init; }
    public DateTimeOffset IssuedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public int Version { get; init; }
    [JsonIgnore] public string LinesJson { get; init; } = "[]";

    static readonly JsonSerializerOptions json = new(JsonSerializerDefaults.Web);

    public IReadOnlyList<PriceAuthorizationLine> Lines() => (JsonSerializer.Deserialize<List<PriceAuthorizationLine>>(LinesJson, json) ?? [])
        .Select(WithSkuPrices).ToList();

    public static string LinesOf(IEnumerable<PriceAuthorizationLine> lines) => JsonSerializer.Serialize(lines.Select(WithSkuPrices), json);

    /// <summary>A SKU line shows its one SKU's prices on the line itself.</summary>
    static PriceAuthorizationLine WithSkuPrices(PriceAuthorizationLine l) =>
        l.Sku is not null && l.Prices.FirstOrDefault(p => p.Sku == l.Sku) is { } p
            ? l with { ListPrice = p.ListPrice, BookCost = p.BookCost, NetCost = p.NetCost }
            : l with { ListPrice = null, BookCost = null, NetCost = null };

    public bool IsLive => Status is PriceAuthorizationStatus.PendingApproval or PriceAuthorizationStatus.Active;

    /// <summary>Live or suspended: it can still be revoked, extended or expire.</summary>
    public bool IsOpen => IsLive || Status == PriceAuthorizationStatus.Suspended;

    /// <summary>A span a PA was suspended, to the moment it resumed (open while it still is).</summary>
    public sealed record Suspension(DateTimeOffset From, DateTimeOffset? Until, string Reason);

    public IReadOnlyList<Suspension> SuspensionSpans() => JsonSerializer.Deserialize<List<Suspension>>(Suspensions, json) ?? [];

    /// <summary>The most the vendor may be claimed for: (book − net) × max quantity, a family line at its dearest SKU.</summary>
    public static decimal CreditOf(IEnumerable<PriceAuthorizationLine> lines) =>
        lines.Sum(l => l.MaxQuantity * l.Prices.Select(p => p.BookCost - p.NetCost).DefaultIfEmpty(0m).Max());

    /// <summary>The registered amounts at the authorized price: each line's amount × net ÷ list (a family line at its SKUs' average ratio).</summary>
    public static decimal NetValueOf(IEnumerable<PriceAuthorizationLine> lines) =>
        Math.Round(lines.Sum(l => l.RegisteredAmount * l.Prices.Where(p => p.ListPrice > 0).Select(p => p.NetCost / p.ListPrice).DefaultIfEmpty(1m).Average()), 2);

    public PriceAuthorizationState State()
    {
        var lines = Lines();
        return new()
        {
            Number = Number,
            DealId = DealId,
            PartnerId = PartnerId,
            CustomerName = CustomerName,
            CustomerCountry = CustomerCountry,
            CustomerRegion = CustomerRegion,
            Status = Status,
            Revision = Revision,
            Tier = Tier,
            IncumbentVendor = IncumbentVendor,
            ValidFrom = ValidFrom,
            ValidUntil = ValidUntil,
            Currency = Currency,
            AuthorizedCredit = CreditOf(lines),
            RegisteredValue = lines.Sum(l => l.RegisteredAmount),
            NetValue = NetValueOf(lines),
            Lines = lines,
            RevokedAt = RevokedAt,
            RevokedReason = RevokedReason,
            Holds = Holds,
            SuspendedAt = SuspendedAt,
            SuspendedReason = SuspendedReason,
        };
    }

    public PriceAuthorizationIssued Issued() =>
        new() { AuthorizationId = Id, Version = Version, OccurredAt = UpdatedAt, Authorization = State() };

    /// <summary>A second channel manager, not the one who approved the deal, approves a discount above the threshold.</summary>
    public Outcome<PriceAuthorization> Approve(Caller by) => Status == PriceAuthorizationStatus.PendingApproval
        ? new Moved<PriceAuthorization>(this with { Status = PriceAuthorizationStatus.Active, ApprovedBy = by.Subject }, "approved",
            (a, v) => new PriceAuthorizationApproved { AuthorizationId = Id, Version = v, OccurredAt = a.UpdatedAt, Actor = by.Subject, Authorization = a.State() },
            null, new { status = PriceAuthorizationStatus.Active })
        : Refuse("approved");

    /// <summary>The deal's protection was extended: the PA is valid until the new end.</summary>
    public Outcome<PriceAuthorization> Extend(DateTimeOffset until) => IsOpen || Status == PriceAuthorizationStatus.Consumed
        ? until > ValidUntil
            ? new Moved<PriceAuthorization>(this with { ValidUntil = until }, "extended",
                (a, v) => new PriceAuthorizationExtended { AuthorizationId = Id, Version = v, OccurredAt = a.UpdatedAt, Authorization = a.State() },
                null, new { validUntil = until })
            : Refuse("extended", $"It is already valid until {ValidUntil:O}.")
        : Refuse("extended");

    public Outcome<PriceAuthorization> Revoke(string reason, string actor, DateTimeOffset now) => IsOpen
        ? new Moved<PriceAuthorization>(this with
        {
            Status = PriceAuthorizationStatus.Revoked,
            RevokedAt = now,
            RevokedReason = reason,
            Holds = [],
            ResumeTo = null,
            Suspensions = Closed(now)
        }, "revoked",
            (a, v) => new PriceAuthorizationRevoked { AuthorizationId = Id, Version = v, OccurredAt = a.UpdatedAt, Actor = actor, Reason = reason, Authorization = a.State() },
            reason, new { status = PriceAuthorizationStatus.Revoked })
        : Refuse("revoked");

    /// <summary>
    /// Compliance holds it (<paramref name="hold"/>: its deal, its partner or itself): a live PA is suspended; a suspended one
    /// keeps this hold too, so it resumes only when every hold is cleared.
    /// </summary>
    public Outcome<PriceAuthorization> Hold(string hold, string reason, string actor, DateTimeOffset now)
    {
        if (!IsOpen) return Refuse("suspended");
        if (Holds.Contains(hold)) return Refuse("suspended", $"It is already held ({hold}).");
        var next = Status == PriceAuthorizationStatus.Suspended
            ? this with { Holds = [.. Holds, hold] }
            : this with
            {
                Status = PriceAuthorizationStatus.Suspended,
                ResumeTo = Status,
                Holds = [hold],
                SuspendedAt = now,
                SuspendedReason = reason,
                Suspensions = JsonSerializer.Serialize(SuspensionSpans().Append(new Suspension(now, null, reason)), json),
            };
        return new Moved<PriceAuthorization>(next, "suspended",
            (a, v) => new PriceAuthorizationSuspended { AuthorizationId = Id, Version = v, OccurredAt = a.UpdatedAt, Actor = actor, Hold = hold, Reason = reason, Authorization = a.State() },
            reason, new { status = PriceAuthorizationStatus.Suspended, hold, holds = next.Holds });
    }

    /// <summary>Compliance cleared one hold: the PA resumes (as it was before) when it was the last.</summary>
    public Outcome<PriceAuthorization> Release(string hold, string actor, DateTimeOffset now)
    {
        if (Status != PriceAuthorizationStatus.Suspended || !Holds.Contains(hold)) return Refuse("released", $"It is not held ({hold}).");
        var left = Holds.Where(h => h != hold).ToArray();
        if (left.Length > 0)
            return new Moved<PriceAuthorization>(this with { Holds = left }, "hold_cleared",
                (a, v) => new PriceAuthorizationSuspended
                {
                    AuthorizationId = Id,
                    Version = v,
                    OccurredAt = a.UpdatedAt,
                    Actor = actor,
                    Hold = hold,
                    Cleared = true,
                    Reason = $"{SuspendedReason} (the {hold} hold is cleared; the {string.Join(" and ", left)} {(left.Length == 1 ? "hold remains" : "holds remain")})",
                    Authorization = a.State(),
                },
                null, new { cleared = hold, holds = left });
        var status = ResumeTo ?? PriceAuthorizationStatus.Active;
        return new Moved<PriceAuthorization>(this with { Status = status, ResumeTo = null, Holds = [], SuspendedAt = null, SuspendedReason = null, Suspensions = Closed(now) },
            "resumed",
            (a, v) => new PriceAuthorizationResumed { AuthorizationId = Id, Version = v, OccurredAt = a.UpdatedAt, Actor = actor, Authorization = a.State() },
            null, new { status, cleared = hold });
    }

    /// <summary>The suspension spans with the open one (if any) ended now.</summary>
    string Closed(DateTimeOffset now) =>
        JsonSerializer.Serialize(SuspensionSpans().Select(s => s.Until is null ? s with { Until = now } : s), json);

    /// <summary>A sale on that day fell inside a span the PA was suspended (or is still).</summary>
    public bool SuspendedOn(DateOnly day) =>
        SuspensionSpans().Any(s => DateOnly.FromDateTime(s.From.UtcDateTime) <= day && (s.Until is not { } until || day <= DateOnly.FromDateTime(until.UtcDateTime)));

    /// <summary>Its validity ended (a consumed PA stays consumed; a suspended one expires as well).</summary>
    public Outcome<PriceAuthorization> Expire(DateTimeOffset now) => IsOpen && ValidUntil <= now
        ? new Moved<PriceAuthorization>(this with { Status = PriceAuthorizationStatus.Expired, Holds = [], ResumeTo = null, Suspensions = Closed(now) }, "expired",
            (a, v) => new PriceAuthorizationExpired { AuthorizationId = Id, Version = v, OccurredAt = a.UpdatedAt, Authorization = a.State() },
            null, new { validUntil = ValidUntil })
        : Refuse("expired");

    /// <summary>
    /// Claims reserved (or released) quantity: the lines' claimed quantities are now these. An active PA all of whose
    /// quantity is claimed is consumed; a consumed one that got quantity back is active again while it is valid.
    /// </summary>
    public Outcome<PriceAuthorization> Claimed(IReadOnlyDictionary<int, decimal> claimed, DateTimeOffset now)
    {
        var lines = Lines().Select(l => l with { ClaimedQuantity = claimed.GetValueOrDefault(l.LineNo, l.ClaimedQuantity) }).ToList();
        var all = lines.All(l => l.ClaimedQuantity >= l.MaxQuantity);
        var status = Status switch
        {
            PriceAuthorizationStatus.Active when all => PriceAuthorizationStatus.Consumed,
            PriceAuthorizationStatus.Consumed when !all => ValidUntil > now ? PriceAuthorizationStatus.Active : PriceAuthorizationStatus.Expired,
            _ => Status,
        };
        return new Moved<PriceAuthorization>(this with { LinesJson = LinesOf(lines), Status = status }, "claimed",
            (a, v) => new PriceAuthorizationClaimed { AuthorizationId = Id, Version = v, OccurredAt = a.UpdatedAt, Authorization = a.State() },
            null, new { status, claimed = lines.Select(l => new { l.LineNo, l.ClaimedQuantity }) });
    }

    /// <summary>The partner or a distributor serving it asks for deeper prices: only on an active PA (one open bid at a time is the caller's check).</summary>
    public Outcome<PriceAuthorization> RequestBid(SpecialBid bid) => Status == PriceAuthorizationStatus.Active
        ? new Moved<PriceAuthorization>(this, "special_bid_requested",
            (a, v) => new SpecialBidRequested { AuthorizationId = Id, Version = v, OccurredAt = a.UpdatedAt, Authorization = a.State(), Bid = bid },
            bid.Justification, new { specialBid = bid.BidId, bid.Competitor, lines = bid.Lines })
        : Refuse("given a special bid", "Only an active price authorization takes a special bid.");

    public Outcome<PriceAuthorization> RejectBid(Guid bid, string reason, Caller by) =>
        new Moved<PriceAuthorization>(this, "special_bid_rejected",
            (a, v) => new SpecialBidRejected { AuthorizationId = Id, Version = v, OccurredAt = a.UpdatedAt, Actor = by.Subject, SpecialBidId = bid, Reason = reason, Authorization = a.State() },
            reason, new { specialBid = bid });

    /// <summary>An approved (or countered) special bid: these SKUs' net costs change, and the PA gets its next revision.</summary>
    public Outcome<PriceAuthorization> Revise(IReadOnlyDictionary<(int Line, string Sku), decimal> netCosts, Guid bid, bool countered, Caller by)
    {
        if (Status != PriceAuthorizationStatus.Active) return Refuse("revised", "Only an active price authorization takes new prices.");
        var lines = Lines().Select(l => l with
        {
            Prices = [.. l.Prices.Select(p => netCosts.TryGetValue((l.LineNo, p.Sku), out var net) ? p with { NetCost = net } : p)],
            DiscountPercent = l.Sku is not null && netCosts.TryGetValue((l.LineNo, l.Sku), out var n) && l.ListPrice is > 0
                ? Math.Round((1 - n / l.ListPrice.Value) * 100m, 3) : l.DiscountPercent,
        }).ToList();
        return new Moved<PriceAuthorization>(this with { LinesJson = LinesOf(lines), Revision = Revision + 1 }, countered ? "special_bid_countered" : "special_bid_approved",
            (a, v) => new PriceAuthorizationRevised
            {
                AuthorizationId = Id,
                Version = v,
                OccurredAt = a.UpdatedAt,
                Actor = by.Subject,
                Authorization = a.State(),
                SpecialBidId = bid,
                Countered = countered,
            },
            null, new { revision = Revision + 1, specialBid = bid, netCosts = netCosts.Select(c => new { line = c.Key.Line, sku = c.Key.Sku, netCost = c.Value }) });
    }

    Refused<PriceAuthorization> Refuse(string action, string? detail = null) =>
        new(Status, $"A price authorization that is {Status.Replace('_', ' ')} cannot be {action}.", detail ?? $"{Number} is {Status}.");
}
