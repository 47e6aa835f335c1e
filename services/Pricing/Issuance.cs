using System.Text.Json;
using Channel.Contracts.Deals;
using Channel.Contracts.Partners;
using Channel.Contracts.Pricing;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Pricing;

/// <summary>
/// What a deal's or a partner's latest state means for price authorizations, decided in the consumer's transaction:
/// an approved, eligible deal gets its PA (once: the deal's copy is locked while deciding, and a deal has one PA);
/// an extended deal extends it; a lost, expired or rejected deal and a suspended or terminated partner revoke it; a
/// compliance hold on the deal or the partner suspends it until compliance clears that hold.
/// </summary>
public sealed class Issuance(Ledger ledger, PricingRules rules)
{
    sealed class DealCopy
    {
        public Guid Id { get; init; }
        public Guid PartnerId { get; init; }
        public string Status { get; init; } = "";
        public string CustomerName { get; init; } = "";
        public string CustomerCountry { get; init; } = "";
        public string CustomerRegion { get; init; } = "";
        public string? IncumbentVendor { get; init; }
        public decimal TotalValue { get; init; }
        public string Currency { get; init; } = "";
        public string Lines { get; init; } = "[]";
        public DateTimeOffset? ApprovedAt { get; init; }
        public string? ApprovedBy { get; init; }
        public DateTimeOffset? ProtectionEndsAt { get; init; }
        public string Screening { get; init; } = "";
    }

    sealed class BookPrice
    {
        public string Sku { get; init; } = "";
        public string ProductFamily { get; init; } = "";
        public decimal ListPrice { get; init; }
        public decimal DistributorCost { get; init; }
        public string Currency { get; init; } = "";
    }

    sealed class PartnerCopy
    {
        public string Status { get; init; } = "";
        public string? Tier { get; init; }
    }

    const string LockDeal = """
        select id, partner_id, status, customer_name, customer_country, customer_region, incumbent_vendor, total_value, currency,
               lines::text as lines, approved_at, approved_by, protection_ends_at, screening
        from deals where id = @id for update
        """;

    const string PricesAt = """
        select distinct on (sku) sku, product_family, list_price, distributor_cost, currency
        from prices where (sku = any(@Skus) or product_family = any(@Families)) and effective_from <= @At
        order by sku, effective_from desc
        """;

    static readonly JsonSerializerOptions json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The deal's copy changed: issue, extend or revoke its PA; suspend it while compliance holds the deal after approval and
    /// lift that hold when compliance clears it.
    /// </summary>
    public async Task DealChanged(NpgsqlTransaction tx, Guid dealId, DateTimeOffset now, CancellationToken ct)
    {
        var conn = tx.Connection!;
        var deal = await conn.QuerySingleOrDefaultAsync<DealCopy>(new CommandDefinition(LockDeal, new { id = dealId }, tx, cancellationToken: ct));
        if (deal is null) return;
        var paId = await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            "select id from authorizations where deal_id = @dealId", new { dealId }, tx, cancellationToken: ct));
        if (paId is null)
        {
            if (deal.Status == DealStatus.Approved) await TryIssue(tx, deal, now, ct);
            return;
        }
        var pa = (await Ledger.Lock(tx, paId.Value, ct))!;
        var move = deal.Status switch
        {
            DealStatus.Lost or DealStatus.Expired or DealStatus.Rejected => pa.Revoke($"the deal was {deal.Status}", "pricing", now),
            _ when Held(deal) && !pa.Holds.Contains(AuthorizationHolds.Deal) =>
                pa.Hold(AuthorizationHolds.Deal, "compliance is reviewing the deal", "compliance", now),
            _ when !Held(deal) && pa.Holds.Contains(AuthorizationHolds.Deal) => pa.Release(AuthorizationHolds.Deal, "compliance", now),
            _ => null,
        };
        if (move is Moved<PriceAuthorization> moved) pa = await ledger.Commit(tx, pa, moved, "pricing", now, ct);
        if (deal.Status is DealStatus.Approved or DealStatus.Won && deal.ProtectionEndsAt > pa.ValidUntil
            && pa.Extend(deal.ProtectionEndsAt.Value) is Moved<PriceAuthorization> extended)
            await ledger.Commit(tx, pa, extended, "pricing", now, ct);
    }

    /// <summary>
    /// The partner's copy changed: a suspended or terminated partner loses its open PAs; a partner on hold has them
    /// suspended until it is active again; an active one gets those its approved deals wait for.
    /// </summary>
    public async Task PartnerChanged(NpgsqlTransaction tx, Guid partnerId, string status, DateTimeOffset now, CancellationToken ct)
    {
        var conn = tx.Connection!;
        var open = await conn.QueryAsync<Guid>(new CommandDefinition(
            $"select id from authorizations where partner_id = @partnerId and status in ('{PriceAuthorizationStatus.PendingApproval}', '{PriceAuthorizationStatus.Active}', '{PriceAuthorizationStatus.Suspended}')",
            new { partnerId }, tx, cancellationToken: ct));
        foreach (var pa in (await Ledger.LockAll(tx, open, ct)).Values)
        {
            var move = status switch
            {
                PartnerStatus.Suspended or PartnerStatus.Terminated => pa.Revoke($"the partner was {status}", "pricing", now),
                PartnerStatus.OnHold when !pa.Holds.Contains(AuthorizationHolds.Partner) => pa.Hold(AuthorizationHolds.Partner, "the partner is on hold", "pricing", now),
                PartnerStatus.Active when pa.Holds.Contains(AuthorizationHolds.Partner) => pa.Release(AuthorizationHolds.Partner, "pricing", now),
                _ => null,
            };
            if (move is Moved<PriceAuthorization> moved) await ledger.Commit(tx, pa, moved, "pricing", now, ct);
        }
        if (status != PartnerStatus.Active) return;
        var waiting = await conn.QueryAsync<Guid>(new CommandDefinition($"""
            select d.id from deals d
            where d.partner_id = @partnerId and d.status = '{DealStatus.Approved}' and d.protection_ends_at > @now
              and not exists (select 1 from authorizations a where a.deal_id = d.id)
            order by d.id
            """, new { partnerId, now }, tx, cancellationToken: ct));
        foreach (var dealId in waiting) await DealChanged(tx, dealId, now, ct);
    }

    static bool Held(DealCopy deal) => deal.Screening is Channel.Contracts.Compliance.ScreeningOutcome.Review or Channel.Contracts.Compliance.ScreeningOutcome.Block;

    async Task TryIssue(NpgsqlTransaction tx, DealCopy deal, DateTimeOffset now, CancellationToken ct)
    {
        var conn = tx.Connection!;
        var partner = await conn.QuerySingleOrDefaultAsync<PartnerCopy>(new CommandDefinition(
            "select status, tier from partners where id = @PartnerId", deal, tx, cancellationToken: ct));
        var refusal = partner is null ? "the partner is not known yet"
            : partner.Status != PartnerStatus.Active ? $"the partner is {partner.Status}"
            : deal.TotalValue < rules.MinimumDealValue ? $"the deal's value is below the minimum of {rules.MinimumDealValue}"
            : deal.ProtectionEndsAt is null || deal.ProtectionEndsAt <= now ? "the deal's protection has ended"
            : Held(deal) ? "compliance holds the deal"
            : null;
        var lines = refusal is null ? await Lines(tx, deal, partner!.Tier ?? PartnerTier.Registered, ct) : [];
        if (refusal is null && lines.Count == 0) refusal = $"the price book has no {deal.Currency} price for any of the deal's lines";
        await conn.ExecuteAsync(new CommandDefinition("update deals set not_eligible_reason = @refusal where id = @Id",
            new { refusal, deal.Id }, tx, cancellationToken: ct));
        if (refusal is not null) return;

        var discount = lines.Max(l => l.DiscountPercent);
        var number = await conn.ExecuteScalarAsync<long>(new CommandDefinition("select nextval('authorization_numbers')", transaction: tx, cancellationToken: ct));
        var pa = new PriceAuthorization
        {
            Id = Guid.CreateVersion7(),
            Number = $"PA-{now.Year}-{number:000000}",
            DealId = deal.Id,
            PartnerId = deal.PartnerId,
            CustomerName = deal.CustomerName,
            CustomerCountry = deal.CustomerCountry,
            CustomerRegion = deal.CustomerRegion,
            Status = discount > rules.SecondApprovalAbove ? PriceAuthorizationStatus.PendingApproval : PriceAuthorizationStatus.Active,
            Revision = 1,
            Tier = partner!.Tier ?? PartnerTier.Registered,
            IncumbentVendor = deal.IncumbentVendor,
            DealApprover = deal.ApprovedBy,
            ValidFrom = deal.ApprovedAt ?? now,
            ValidUntil = deal.ProtectionEndsAt!.Value,
            Currency = deal.Currency,
            IssuedAt = now,
            UpdatedAt = now,
            LinesJson = PriceAuthorization.LinesOf(lines),
        };
        await ledger.Issue(tx, pa, new
        {
            pa.Status,
            discountPercent = discount,
            pa.Tier,
            competitive = rules.IsCompetitive(deal.IncumbentVendor),
            secondApprovalAbove = rules.SecondApprovalAbove,
        }, ct);
    }

    /// <summary>The PA lines of a deal's lines priced as of its approval: a SKU line at its SKU, a family line at every SKU of the family.</summary>
    async Task<List<PriceAuthorizationLine>> Lines(NpgsqlTransaction tx, DealCopy deal, string tier, CancellationToken ct)
    {
        var dealLines = JsonSerializer.Deserialize<List<DealLine>>(deal.Lines, json) ?? [];
        var at = DateOnly.FromDateTime((deal.ApprovedAt ?? DateTimeOffset.UtcNow).UtcDateTime);
        var book = (await tx.Connection!.QueryAsync<BookPrice>(new CommandDefinition(PricesAt, new
        {
            Skus = dealLines.Where(l => l.Sku is not null).Select(l => l.Sku!).Distinct().ToArray(),
            Families = dealLines.Where(l => l.Sku is null).Select(l => l.ProductFamily).Distinct().ToArray(),
            At = at,
        }, tx, cancellationToken: ct))).Where(p => p.Currency == deal.Currency).ToList();
        var discount = rules.DiscountFor(tier, deal.IncumbentVendor);
        var lines = new List<PriceAuthorizationLine>();
        foreach (var line in dealLines)
        {
            var covered = line.Sku is not null
                ? book.Where(p => p.Sku == line.Sku).ToList()
                : book.Where(p => p.ProductFamily == line.ProductFamily).ToList();
            if (covered.Count == 0) continue;
            lines.Add(new PriceAuthorizationLine
            {
                LineNo = lines.Count + 1,
                Sku = line.Sku,
                ProductFamily = line.ProductFamily,
                MaxQuantity = line.Quantity,
                RegisteredAmount = line.Amount,
                DiscountPercent = discount,
                Currency = deal.Currency,
                Prices = [.. covered.Select(p => new AuthorizedPrice
                {
                    Sku = p.Sku,
                    ListPrice = p.ListPrice,
                    BookCost = p.DistributorCost,
                    NetCost = PricingRules.NetCost(p.ListPrice, p.DistributorCost, discount),
                })],
            });
        }
        return lines;
    }
}
