using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Deals;
using Channel.Contracts.Pricing;

namespace Channel.Reporting.Tests;

/// <summary>
/// A small pricing channel worked out by hand, played out of order: exposure, claims by distributor, status and age,
/// settled credits and leakage must be exactly these figures, and each caller sees only its share.
/// </summary>
public sealed class PricingChannel : IAsyncLifetime
{
    public ReportingApp App { get; } = new();
    public Guid P1 { get; } = Guid.NewGuid();
    public Guid P2 { get; } = Guid.NewGuid();
    public Guid D1 { get; } = Guid.NewGuid();
    public Guid D2 { get; } = Guid.NewGuid();
    public Guid Pa1 { get; } = Guid.NewGuid();
    public Guid Pa2 { get; } = Guid.NewGuid();
    public Guid Pa3 { get; } = Guid.NewGuid();
    public Guid WonLonely { get; } = Guid.NewGuid();
    // Open deals for the pipeline at net price: A (PA1) and C (PA2, revoked) are P1's, B (no PA) and D (PA3) P2's.
    public Guid DealA { get; } = Guid.NewGuid();
    public Guid DealB { get; } = Guid.NewGuid();
    public Guid DealC { get; } = Guid.NewGuid();
    public Guid DealD { get; } = Guid.NewGuid();
    public static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    public static readonly DateOnly Month1 = new DateOnly(Now.Year, Now.Month, 1).AddMonths(1);
    public static readonly DateOnly Month2 = Month1.AddMonths(1);

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)App).InitializeAsync();
        var messages = 0;
        async Task Send<T>(T message) where T : class { await App.Bus.Publish(message); messages++; }

        // PA1: P1, active, 6,000 of credit (first issued at 5,000, then revised: the revision arrives first); it covers 8,000 of
        // deal A's 10,000, at 6,000 net (6,500 before the revision).
        await Send(new PriceAuthorizationRevised { AuthorizationId = Pa1, Version = 2, OccurredAt = Now, Actor = "m", Authorization = Pa("PA-1", P1, PriceAuthorizationStatus.Active, 6_000, DealA, 8_000, 6_000) });
        await Send(new PriceAuthorizationIssued { AuthorizationId = Pa1, Version = 1, OccurredAt = Now, Authorization = Pa("PA-1", P1, PriceAuthorizationStatus.Active, 5_000, DealA, 8_000, 6_500) });
        // PA2: P1, revoked (1,000): no longer exposure, and deal C counts as registered. PA3: P2, waiting for its second
        // approver (2,000): still exposure; deal D at 1,500 net.
        await Send(new PriceAuthorizationRevoked { AuthorizationId = Pa2, Version = 2, OccurredAt = Now, Actor = "m", Reason = "lost", Authorization = Pa("PA-2", P1, PriceAuthorizationStatus.Revoked, 1_000, DealC, 5_000, 3_000) });
        await Send(new PriceAuthorizationIssued { AuthorizationId = Pa3, Version = 1, OccurredAt = Now, Authorization = Pa("PA-3", P2, PriceAuthorizationStatus.PendingApproval, 2_000, DealD, 2_000, 1_500) });
        await Send(new DealApproved { DealId = DealA, Version = 2, OccurredAt = Now, Actor = "m", Deal = Open(DealStatus.Approved, P1, 10_000, Month1) });
        await Send(new DealRegistered { DealId = DealB, Version = 1, OccurredAt = Now, Actor = "p", Deal = Open(DealStatus.Submitted, P2, 4_000, Month1) });
        await Send(new DealApproved { DealId = DealC, Version = 2, OccurredAt = Now, Actor = "m", Deal = Open(DealStatus.Approved, P1, 5_000, Month2) });
        await Send(new DealApproved { DealId = DealD, Version = 2, OccurredAt = Now, Actor = "m", Deal = Open(DealStatus.Approved, P2, 2_000, Month2) });

        // K1: D1, 10 days old: 1,200 accepted on PA1, a rejected line, and 500 accepted on PA1 by a manager's override
        // (the override, version 2, arrives before the claim itself).
        var k1 = Guid.NewGuid();
        await Send(new ClaimLinesDecided
        {
            ClaimId = k1,
            Version = 2,
            OccurredAt = Now,
            Actor = "m",
            Claim = Claim("K1", D1, ClaimStatus.Validated, Now.AddDays(-10), 1_700, 500, accepted: 2, rejected: 1),
            Lines = [Line(3, Pa1, ClaimLineStatus.Accepted, ClaimReason.ManualOverride, 500)],
        });
        await Send(new ClaimReceived
        {
            ClaimId = k1,
            Version = 1,
            OccurredAt = Now,
            Actor = "d",
            Claim = Claim("K1", D1, ClaimStatus.Validated, Now.AddDays(-10), 1_200, 0, accepted: 1, rejected: 1, disputed: 1),
            Lines = [Line(1, Pa1, ClaimLineStatus.Accepted, null, 1_200), Line(2, null, ClaimLineStatus.Rejected, ClaimReason.UnknownAuthorization, 0),
                     Line(3, Pa1, ClaimLineStatus.Rejected, ClaimReason.CostMismatch, 0)],
        });
        // K2: D2, 40 days old, settled three days ago: 300 on PA3.
        var k2 = Guid.NewGuid();
        await Send(new ClaimReceived
        {
            ClaimId = k2,
            Version = 1,
            OccurredAt = Now,
            Actor = "d",
            Claim = Claim("K2", D2, ClaimStatus.Validated, Now.AddDays(-40), 300, 0, accepted: 1),
            Lines = [Line(1, Pa3, ClaimLineStatus.Accepted, null, 300)],
        });
        await Send(new ClaimSettled { ClaimId = k2, Version = 3, OccurredAt = Now, Actor = "m", Claim = Claim("K2", D2, ClaimStatus.Settled, Now.AddDays(-40), 300, 0, accepted: 1, settledAt: Now.AddDays(-3)) });

        // Won 45 days ago with no sell-through (leakage); won 5 days ago (too soon to tell).
        await Send(new DealWon { DealId = WonLonely, Version = 3, OccurredAt = Now, Actor = "p", Source = "registrant", Deal = Deal(P1, 700, Now.AddDays(-45)) });
        await Send(new DealWon { DealId = Guid.NewGuid(), Version = 3, OccurredAt = Now, Actor = "p", Source = "registrant", Deal = Deal(P1, 900, Now.AddDays(-5)) });

        // Sales below book cost with no PA: D1 sold one for P1 (1,000 against a book of 1,200; announced twice), D2 two for P2 (500 against 600).
        var d1Report = Guid.NewGuid();
        var belowD1 = new SellThroughBelowBookCost
        {
            ReportId = d1Report,
            Batch = 1,
            DistributorId = D1,
            OccurredAt = Now,
            Lines = [Below(3, P1, 1, 1_000, 1_200)],
        };
        await Send(belowD1);
        await Send(belowD1); // a replay, under another message id: counted once
        await Send(new SellThroughBelowBookCost { ReportId = Guid.NewGuid(), Batch = 1, DistributorId = D2, OccurredAt = Now, Lines = [Below(1, P2, 2, 500, 300)] });

        await App.WaitForInbox(messages);
    }

    static BelowBookSale Below(int line, Guid reseller, decimal quantity, decimal amount, decimal bookCost) => new()
    {
        LineNumber = line,
        ResellerId = reseller,
        VendorSku = "SW-1",
        InvoiceDate = DateOnly.FromDateTime(Now.UtcDateTime),
        Quantity = quantity,
        UnitPrice = amount / quantity,
        BookCost = bookCost,
        ExtendedAmount = amount,
    };

    static PriceAuthorizationState Pa(string number, Guid partner, string status, decimal credit, Guid deal, decimal registered, decimal net) => new()
    {
        Number = number,
        DealId = deal,
        RegisteredValue = registered,
        NetValue = net,
        PartnerId = partner,
        CustomerName = "Acme",
        CustomerCountry = "US",
        CustomerRegion = "CA",
        Status = status,
        Revision = 1,
        Tier = "gold",
        ValidFrom = Now.AddDays(-30),
        ValidUntil = Now.AddDays(60),
        Currency = "USD",
        AuthorizedCredit = credit,
        Lines = [],
    };

    static ClaimState Claim(string number, Guid distributor, string status, DateTimeOffset received, decimal credit, decimal overrideCredit,
        int accepted = 0, int rejected = 0, int disputed = 0, DateTimeOffset? settledAt = null) => new()
        {
            ClaimNumber = number,
            DistributorId = distributor,
            Status = status,
            ReceivedAt = received,
            Currency = "USD",
            LineCount = accepted + rejected + disputed,
            AcceptedLines = accepted,
            AdjustedLines = 0,
            RejectedLines = rejected,
            PendingLines = 0,
            DisputedLines = disputed,
            ClaimedAmount = 2_000,
            AcceptedCredit = credit,
            OverrideCredit = overrideCredit,
            CreditMemo = settledAt is null ? null : "CM-1",
            SettledAt = settledAt,
        };

    static ClaimLineDecision Line(int no, Guid? pa, string status, string? reason, decimal credit) => new()
    {
        LineNo = no,
        AuthorizationId = pa,
        InvoiceNumber = $"INV-{no}",
        VendorSku = "SW-1",
        Quantity = 1,
        Status = status,
        Reason = reason,
        Credit = credit,
    };

    /// <summary>A deal of Acme's, as every deal here is: only its status, partner, value and dates differ.</summary>
    static DealState Acme(string status, Guid partner, decimal value, DateOnly close, DateTimeOffset submitted) => new()
    {
        Status = status,
        PartnerId = partner,
        CustomerName = "Acme",
        CustomerCountry = "US",
        CustomerRegion = "CA",
        CustomerSector = "commercial",
        ProductFamilies = ["switching"],
        TotalValue = value,
        Currency = "USD",
        ExpectedClose = close,
        SubmittedAt = submitted,
    };

    static DealState Deal(Guid partner, decimal value, DateTimeOffset closedAt) =>
        Acme(DealStatus.Won, partner, value, DateOnly.FromDateTime(closedAt.UtcDateTime), closedAt.AddDays(-30)) with
        {
            ApprovedAt = closedAt.AddDays(-20),
            ActualAmount = value,
            ClosedAt = closedAt,
        };

    static DealState Open(string status, Guid partner, decimal value, DateOnly close) =>
        Acme(status, partner, value, close.AddDays(9), Now.AddDays(-3)) with
        {
            ApprovedAt = status == DealStatus.Approved ? Now.AddDays(-1) : null,
            ProtectionEndsAt = status == DealStatus.Approved ? Now.AddDays(80) : null,
        };

    public Task DisposeAsync() => ((IAsyncLifetime)App).DisposeAsync();
}

public sealed class ReportingOnPricing(PricingChannel channel) : IClassFixture<PricingChannel>
{
    static decimal D(JsonElement e, string name) => e.GetProperty(name).GetDecimal();

    [Fact]
    public async Task Staff_see_exposure_claims_ageing_settled_credit_and_leakage_as_worked_out()
    {
        var report = await channel.App.As("leadership").GetFromJsonAsync<JsonElement>("/api/reports/pricing");

        var exposure = report.GetProperty("exposure");
        // Live: PA1 (6,000, 1,700 claimed) and PA3 (2,000, 300 claimed); PA2 is revoked.
        Assert.Equal((2L, 8_000m, 2_000m, 6_000m),
            (exposure.GetProperty("authorizations").GetInt64(), D(exposure, "authorizedCredit"), D(exposure, "claimedCredit"), D(exposure, "openCredit")));
        var byDistributor = report.GetProperty("byDistributor").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!, r => D(r, "acceptedCredit"));
        Assert.Equal(new Dictionary<string, decimal> { [channel.D1.ToString()] = 1_700m, [channel.D2.ToString()] = 300m }, byDistributor);
        var byStatus = report.GetProperty("byStatus").EnumerateArray().Select(r => (r.GetProperty("key").GetString(), r.GetProperty("claims").GetInt64())).ToList();
        Assert.Equal([(ClaimStatus.Settled, 1L), (ClaimStatus.Validated, 1L)], byStatus);
        var ageing = report.GetProperty("ageing").EnumerateArray().Select(r => (r.GetProperty("key").GetString(), D(r, "acceptedCredit"))).ToList();
        Assert.Equal([("0-30", 1_700m)], ageing); // K2 is settled: not ageing
        var settled = report.GetProperty("settledByMonth").EnumerateArray().Select(r => (r.GetProperty("key").GetString(), D(r, "acceptedCredit"))).ToList();
        Assert.Equal([(PricingChannel.Now.AddDays(-3).ToString("yyyy-MM"), 300m)], settled);
        var leakage = report.GetProperty("leakage");
        Assert.Equal((500m, 1L, 1L, 700m),
            (D(leakage, "overrideCredit"), leakage.GetProperty("overrideLines").GetInt64(), leakage.GetProperty("wonWithoutSellThrough").GetInt64(),
             D(leakage, "wonWithoutSellThroughValue")));
        Assert.Equal((2L, 1_500m, 1_800m), (leakage.GetProperty("belowBookLines").GetInt64(), D(leakage, "belowBookAmount"), D(leakage, "belowBookValue")));

        // The open pipeline at net price: A 10,000 − 8,000 + 6,000 (the revision's net, not the issue's) = 8,000; B 4,000 (no PA);
        // C 5,000 (its PA is revoked); D 1,500 (pending approval is live). The won deals are not pipeline.
        var net = report.GetProperty("netPipeline");
        Assert.Equal((4L, 2L, 21_000m, 18_500m),
            (net.GetProperty("deals").GetInt64(), net.GetProperty("withAuthorization").GetInt64(), D(net, "registeredValue"), D(net, "netValue")));
        var months = net.GetProperty("byMonth").EnumerateArray().Select(r => (r.GetProperty("key").GetString(), r.GetProperty("deals").GetInt64(), D(r, "registeredValue"), D(r, "netValue"))).ToList();
        Assert.Equal([(PricingChannel.Month1.ToString("yyyy-MM"), 2L, 14_000m, 12_000m), (PricingChannel.Month2.ToString("yyyy-MM"), 2L, 7_000m, 6_500m)], months);
        // Filtered to one month, as the pipeline report filters.
        var second = await channel.App.As("leadership").GetFromJsonAsync<JsonElement>($"/api/reports/pricing?from={PricingChannel.Month2:yyyy-MM}");
        Assert.Equal(6_500m, D(second.GetProperty("netPipeline"), "netValue"));
    }

    [Fact]
    public async Task A_partner_sees_the_exposure_of_its_own_authorizations_and_a_distributor_its_own_claims()
    {
        var partner = await channel.App.As("partner", channel.P1).GetFromJsonAsync<JsonElement>("/api/reports/pricing");
        var exposure = partner.GetProperty("exposure");
        Assert.Equal((1L, 6_000m, 1_700m, 4_300m),
            (exposure.GetProperty("authorizations").GetInt64(), D(exposure, "authorizedCredit"), D(exposure, "claimedCredit"), D(exposure, "openCredit")));
        Assert.Equal(0, partner.GetProperty("byDistributor").GetArrayLength());
        Assert.Equal(1L, partner.GetProperty("leakage").GetProperty("wonWithoutSellThrough").GetInt64());
        Assert.Equal(0m, D(partner.GetProperty("leakage"), "overrideCredit"));
        Assert.Equal((1L, 1_000m), (partner.GetProperty("leakage").GetProperty("belowBookLines").GetInt64(), D(partner.GetProperty("leakage"), "belowBookAmount")));
        // Its own open deals only: A at 8,000 and C at 5,000.
        var net = partner.GetProperty("netPipeline");
        Assert.Equal((2L, 15_000m, 13_000m), (net.GetProperty("deals").GetInt64(), D(net, "registeredValue"), D(net, "netValue")));

        var distributor = await channel.App.As("distributor", distributor: channel.D2).GetFromJsonAsync<JsonElement>("/api/reports/pricing");
        Assert.Equal([channel.D2.ToString()], distributor.GetProperty("byDistributor").EnumerateArray().Select(r => r.GetProperty("key").GetString()));
        Assert.Equal(0L, distributor.GetProperty("exposure").GetProperty("authorizations").GetInt64());
        Assert.Equal(0L, distributor.GetProperty("leakage").GetProperty("wonWithoutSellThrough").GetInt64());
        Assert.Equal((1L, 600m), (distributor.GetProperty("leakage").GetProperty("belowBookLines").GetInt64(), D(distributor.GetProperty("leakage"), "belowBookValue")));
        // Asking for another distributor's figures by filter finds nothing.
        var other = await channel.App.As("distributor", distributor: channel.D2).GetFromJsonAsync<JsonElement>($"/api/reports/pricing?distributorId={channel.D1}");
        Assert.Equal(0, other.GetProperty("byDistributor").GetArrayLength());
    }
}
