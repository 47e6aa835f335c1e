using Channel.Hosting.Auth;

namespace Channel.Pricing;

/// <summary>A PA as the API shows it to one caller: a partner's view has no book or net costs.</summary>
public sealed record AuthorizationView
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
    public string? ApprovedBy { get; init; }
    public DateTimeOffset ValidFrom { get; init; }
    public DateTimeOffset ValidUntil { get; init; }
    public string Currency { get; init; } = "";
    /// <summary>(book − net) × max quantity: not shown to a partner.</summary>
    public decimal? AuthorizedCredit { get; init; }
    /// <summary>The registered amounts of the lines covered, and the same at the authorized price (the deal at net price).</summary>
    public decimal RegisteredValue { get; init; }
    public decimal NetValue { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RevokedReason { get; init; }
    /// <summary>While suspended: since when, why (compliance's evidence is not shown), and what holds it (deal, partner, authorization).</summary>
    public DateTimeOffset? SuspendedAt { get; init; }
    public string? SuspendedReason { get; init; }
    public IReadOnlyList<string> Holds { get; init; } = [];
    public DateTimeOffset IssuedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public int Version { get; init; }
    public IReadOnlyList<LineView> Lines { get; init; } = [];

    public sealed record LineView(int LineNo, string? Sku, string ProductFamily, decimal MaxQuantity, decimal ClaimedQuantity, decimal DiscountPercent,
        string Currency, decimal? ListPrice, decimal? BookCost, decimal? NetCost, IReadOnlyList<PriceView> Prices);

    public sealed record PriceView(string Sku, decimal ListPrice, decimal? BookCost, decimal? NetCost);

    public static AuthorizationView Of(PriceAuthorization pa, Caller caller)
    {
        var costs = Scope.SeesCosts(caller);
        var lines = pa.Lines();
        return new()
        {
            Id = pa.Id,
            Number = pa.Number,
            DealId = pa.DealId,
            PartnerId = pa.PartnerId,
            CustomerName = pa.CustomerName,
            CustomerCountry = pa.CustomerCountry,
            CustomerRegion = pa.CustomerRegion,
            Status = pa.Status,
            Revision = pa.Revision,
            Tier = pa.Tier,
            IncumbentVendor = pa.IncumbentVendor,
            ApprovedBy = pa.ApprovedBy,
            ValidFrom = pa.ValidFrom,
            ValidUntil = pa.ValidUntil,
            Currency = pa.Currency,
            AuthorizedCredit = costs ? PriceAuthorization.CreditOf(lines) : null,
            RegisteredValue = lines.Sum(l => l.RegisteredAmount),
            NetValue = PriceAuthorization.NetValueOf(lines),
            RevokedAt = pa.RevokedAt,
            RevokedReason = pa.RevokedReason,
            SuspendedAt = pa.SuspendedAt,
            SuspendedReason = pa.SuspendedReason,
            Holds = pa.Holds,
            IssuedAt = pa.IssuedAt,
            UpdatedAt = pa.UpdatedAt,
            Version = pa.Version,
            Lines = [.. lines.Select(l => new LineView(l.LineNo, l.Sku, l.ProductFamily, l.MaxQuantity, l.ClaimedQuantity, l.DiscountPercent, l.Currency,
                l.ListPrice, costs ? l.BookCost : null, costs ? l.NetCost : null,
                [.. l.Prices.Select(p => new PriceView(p.Sku, p.ListPrice, costs ? p.BookCost : null, costs ? p.NetCost : null))]))],
        };
    }
}
