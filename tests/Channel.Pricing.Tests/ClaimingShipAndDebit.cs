using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Partners;
using Channel.Contracts.Pricing;
using static Channel.Pricing.Tests.PricingApp;

namespace Channel.Pricing.Tests;

/// <summary>
/// A distributor's ship-and-debit claims against real PAs: every line decided with its reason, quantity held across
/// claims, pending lines decided when their sell-through arrives, the claim's lifecycle to a credit memo.
/// </summary>
public sealed class ClaimingShipAndDebit(PricingApp app) : IClassFixture<PricingApp>
{
    /// <summary>A silver partner, a distributor authorized for it in CA, and an active PA: 10 × SW-9300-48P (600 a unit), 40 × AP-6100 (72 a unit).</summary>
    async Task<(Guid Partner, Guid Distributor, string Pa, Guid PaId)> Setup()
    {
        var partner = await app.Partner(PartnerTier.Silver);
        var distributor = Guid.NewGuid();
        await app.Authorize(distributor, partner);
        var (_, pa) = await app.ApprovedDeal(partner, [Sku("SW-9300-48P", "switching", 10, 60_000), Sku("AP-6100", "wireless", 40, 30_000)]);
        return (partner, distributor, pa!.Value.GetProperty("number").GetString()!, pa.Value.GetProperty("id").GetGuid());
    }

    static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    static async Task<(JsonElement Claim, Dictionary<int, JsonElement> Lines)> Read(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("claim"), body.GetProperty("lines").EnumerateArray().ToDictionary(l => l.GetProperty("lineNo").GetInt32()));
    }

    static (string?, string?, decimal) Decision(JsonElement line) =>
        (line.GetProperty("status").GetString(), line.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null,
         line.GetProperty("credit").GetDecimal());

    [Fact]
    public async Task Every_line_is_decided_on_its_own_with_its_reason_code()
    {
        var (partner, distributor, pa, paId) = await Setup();
        // A PA in a region the distributor does not serve, and one approved long ago (still valid) for a late claim.
        var (_, texas) = await app.ApprovedDeal(partner, [Sku("SW-9300-48P", "switching", 10, 60_000)], region: "TX");
        var (_, old) = await app.ApprovedDeal(partner, [Sku("SW-9300-48P", "switching", 10, 60_000)], approvedAt: Start.AddDays(-120), protectionDays: 200);
        var other = await app.Partner();
        await app.SellThrough(distributor, ("INV-A", Today, partner, "SW-9300-48P", 3), ("INV-B", Today, partner, "AP-6100", 10),
            ("INV-D", Today, partner, "SW-9300-48P", 1));
        var claim = Unique("C");
        var texasPa = texas!.Value.GetProperty("number").GetString()!;
        var oldPa = old!.Value.GetProperty("number").GetString()!;

        var response = await app.Claim(distributor,
            ClaimRow(claim, "PA-2026-999999", "INV-U", Today, partner, "SW-9300-48P", 1, 6200, 5600),   // 1 unknown
            ClaimRow(claim, pa, "INV-E", Today.AddDays(-5), partner, "SW-9300-48P", 1, 6200, 5600),     // 2 before it was valid
            ClaimRow(claim, pa, "INV-R", Today, other, "SW-9300-48P", 1, 6200, 5600),                   // 3 another reseller
            ClaimRow(claim, texasPa, "INV-T", Today, partner, "SW-9300-48P", 1, 6200, 5600),            // 4 region not served
            ClaimRow(claim, pa, "INV-F", Today, partner, "FW-500", 1, 4960, 4480),                      // 5 not on the PA
            ClaimRow(claim, oldPa, "INV-L", Today.AddDays(-100), partner, "SW-9300-48P", 1, 6200, 5600), // 6 late
            ClaimRow(claim, pa, "INV-C", Today, partner, "SW-9300-48P", 1, 6000, 5600),                 // 7 wrong book cost
            ClaimRow(claim, pa, "INV-Q", Today, partner, "AP-6100", 41, 744, 672),                      // 8 more than authorized
            ClaimRow(claim, pa, "INV-P", Today, partner, "SW-9300-48P", 2, 6200, 5600),                 // 9 no sell-through yet
            ClaimRow(claim, pa, "INV-A", Today, partner, "SW-9300-48P", 3, 6200, 5600),                 // 10 accepted
            ClaimRow(claim, pa, "INV-B", Today, partner, "AP-6100", 10, 744, 672, amount: 999),         // 11 adjusted to 720
            ClaimRow(claim, pa, "INV-A", Today, partner, "SW-9300-48P", 3, 6200, 5600));                // 12 the same invoice and SKU again

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var (summary, lines) = await Read(response);
        Assert.Equal((ClaimLineStatus.Rejected, ClaimReason.UnknownAuthorization, 0m), Decision(lines[1]));
        Assert.Equal((ClaimLineStatus.Rejected, ClaimReason.AuthorizationNotActive, 0m), Decision(lines[2]));
        Assert.Equal((ClaimLineStatus.Rejected, ClaimReason.ResellerMismatch, 0m), Decision(lines[3]));
        Assert.Equal((ClaimLineStatus.Rejected, ClaimReason.DistributorNotEligible, 0m), Decision(lines[4]));
        Assert.Equal((ClaimLineStatus.Rejected, ClaimReason.ProductNotAuthorized, 0m), Decision(lines[5]));
        Assert.Equal((ClaimLineStatus.Rejected, ClaimReason.LateClaim, 0m), Decision(lines[6]));
        Assert.Equal((ClaimLineStatus.Rejected, ClaimReason.CostMismatch, 0m), Decision(lines[7]));
        Assert.Equal((ClaimLineStatus.Rejected, ClaimReason.QuantityExceeded, 0m), Decision(lines[8]));
        Assert.Equal((ClaimLineStatus.Pending, ClaimReason.AwaitingSellThrough, 0m), Decision(lines[9]));
        Assert.Equal((ClaimLineStatus.Accepted, null, 1_800m), Decision(lines[10]));
        Assert.Equal((ClaimLineStatus.Adjusted, ClaimReason.AmountAdjusted, 720m), Decision(lines[11]));
        Assert.Equal((ClaimLineStatus.Rejected, ClaimReason.DuplicateLine, 0m), Decision(lines[12]));
        Assert.Equal((12, 1, 1, 9, 1, 2_520m),
            (summary.GetProperty("lineCount").GetInt32(), summary.GetProperty("acceptedLines").GetInt32(), summary.GetProperty("adjustedLines").GetInt32(),
             summary.GetProperty("rejectedLines").GetInt32(), summary.GetProperty("pendingLines").GetInt32(), summary.GetProperty("acceptedCredit").GetDecimal()));

        // The PA holds what the accepted, adjusted and pending lines claim: 3 + 2 of the switch, 10 access points.
        var held = await app.Db.Query<decimal>("select claimed_quantity from authorization_lines where authorization_id = @paId order by line_no", new { paId });
        Assert.Equal([5m, 10m], held);
        var received = await app.Events.WaitFor<ClaimReceived>(e => e.Claim.ClaimNumber == claim);
        Assert.Equal(12, received.Lines.Count);
        Assert.Equal(ClaimReason.LateClaim, received.Lines.Single(l => l.LineNo == 6).Reason);
    }

    [Fact]
    public async Task Quantity_is_counted_across_claims()
    {
        var (partner, distributor, pa, _) = await Setup();
        await app.SellThrough(distributor, ("INV-1", Today, partner, "SW-9300-48P", 6), ("INV-2", Today, partner, "SW-9300-48P", 5),
            ("INV-3", Today, partner, "SW-9300-48P", 4));

        var (_, first) = await Read(await app.Claim(distributor, ClaimRow(Unique("C"), pa, "INV-1", Today, partner, "SW-9300-48P", 6, 6200, 5600)));
        Assert.Equal(ClaimLineStatus.Accepted, Decision(first[1]).Item1);
        var (_, second) = await Read(await app.Claim(distributor, ClaimRow(Unique("C"), pa, "INV-2", Today, partner, "SW-9300-48P", 5, 6200, 5600)));
        Assert.Equal((ClaimLineStatus.Rejected, ClaimReason.QuantityExceeded, 0m), Decision(second[1]));
        var (_, third) = await Read(await app.Claim(distributor, ClaimRow(Unique("C"), pa, "INV-3", Today, partner, "SW-9300-48P", 4, 6200, 5600)));
        Assert.Equal((ClaimLineStatus.Accepted, null, 2_400m), Decision(third[1]));
        // The same invoice line claimed again in a later claim is a duplicate.
        var (_, again) = await Read(await app.Claim(distributor, ClaimRow(Unique("C"), pa, "INV-1", Today, partner, "SW-9300-48P", 6, 6200, 5600)));
        Assert.Equal(ClaimReason.DuplicateLine, Decision(again[1]).Item2);
    }

    [Fact]
    public async Task A_pending_line_is_decided_when_its_sell_through_arrives()
    {
        var (partner, distributor, pa, _) = await Setup();
        var response = await app.Claim(distributor, ClaimRow(Unique("C"), pa, "INV-LATER", Today, partner, "AP-6100", 5, 744, 672));
        var (claim, lines) = await Read(response);
        Assert.Equal(ClaimLineStatus.Pending, Decision(lines[1]).Item1);
        var id = claim.GetProperty("id").GetGuid();

        // Too little sold on that invoice decides nothing; the rest of it does.
        await app.SellThrough(distributor, ("INV-LATER", Today, partner, "AP-6100", 3));
        Assert.Equal(ClaimLineStatus.Pending, await app.Db.Scalar<string>("select status from claim_lines where claim_id = @id", new { id }));
        await app.SellThrough(distributor, ("INV-LATER", Today, partner, "AP-6100", 2));
        var decided = await app.Events.WaitFor<ClaimLinesDecided>(e => e.ClaimId == id);
        Assert.Equal((ClaimLineStatus.Accepted, 360m), (decided.Lines.Single().Status, decided.Lines.Single().Credit));
        Assert.Equal((0, 1, 360m), (decided.Claim.PendingLines, decided.Claim.AcceptedLines, decided.Claim.AcceptedCredit));
    }

    [Fact]
    public async Task The_same_claim_sent_again_answers_the_same_and_other_content_under_its_number_is_refused()
    {
        var (partner, distributor, pa, paId) = await Setup();
        var claim = Unique("C");
        var row = ClaimRow(claim, pa, "INV-9", Today, partner, "AP-6100", 4, 744, 672);

        var first = await app.Claim(distributor, row);
        var again = await app.Claim(distributor, row);
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (first.StatusCode, again.StatusCode));
        var (a, _) = await Read(first);
        var (b, bLines) = await Read(again);
        Assert.Equal(a.GetProperty("id").GetGuid(), b.GetProperty("id").GetGuid());
        Assert.Equal(ClaimLineStatus.Pending, Decision(bLines[1]).Item1);
        Assert.Equal(4m, await app.Db.Scalar<decimal>("select claimed_quantity from authorization_lines where authorization_id = @paId and line_no = 2", new { paId }));

        var changed = await app.Claim(distributor, ClaimRow(claim, pa, "INV-9", Today, partner, "AP-6100", 5, 744, 672));
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        Assert.Equal(1L, await app.Db.Scalar<long>("select count(*) from claims where claim_number = @claim", new { claim }));
    }

    [Fact]
    public async Task Unreadable_lines_refuse_the_whole_claim_naming_each_field()
    {
        var (partner, distributor, pa, _) = await Setup();
        var claim = Unique("C");
        var response = await app.Claim(distributor,
            ClaimRow(claim, pa, "INV-1", Today, partner, "AP-6100", 1, 744, 672),
            $"{claim},{pa},INV-2,2026-13-01,{partner},Acme,AP-6100,1,744,672,72",
            $"{claim},{pa},INV-3,2026-11-01,not-an-id,Acme,AP-6100,-1,744,672,72",
            ClaimRow("another-number", pa, "INV-4", Today, partner, "AP-6100", 1, 744, 672));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("lines[1].invoice_date", out _));
        Assert.True(errors.TryGetProperty("lines[2].reseller_id", out _));
        Assert.True(errors.TryGetProperty("lines[2].quantity", out _));
        Assert.True(errors.TryGetProperty("claim_number", out _)); // one claim, one number
        Assert.Equal(0L, await app.Db.Scalar<long>("select count(*) from claims where claim_number = @claim", new { claim }));
    }

    [Fact]
    public async Task A_claim_goes_from_disputed_lines_to_approval_and_a_credit_memo()
    {
        var (partner, distributor, pa, _) = await Setup();
        await app.SellThrough(distributor, ("INV-OK", Today, partner, "SW-9300-48P", 2));
        var number = Unique("C");
        var response = await app.Claim(distributor,
            ClaimRow(number, pa, "INV-OK", Today, partner, "SW-9300-48P", 2, 6200, 5600),
            ClaimRow(number, pa, "INV-WAIT", Today, partner, "SW-9300-48P", 1, 6200, 5600),
            ClaimRow(number, pa, "INV-BAD", Today, partner, "SW-9300-48P", 1, 6000, 5600));
        var (claim, _) = await Read(response);
        var id = claim.GetProperty("id").GetGuid();
        var manager = app.Manager();
        var owner = app.Distributor(distributor);

        var pending = await manager.PostAsync($"/api/pricing/claims/{id}/approve", null);
        Assert.Equal(HttpStatusCode.Conflict, pending.StatusCode);
        Assert.Contains("1 lines are pending", await pending.Content.ReadAsStringAsync());
        await app.SellThrough(distributor, ("INV-WAIT", Today, partner, "SW-9300-48P", 1));
        await app.Events.WaitFor<ClaimLinesDecided>(e => e.ClaimId == id && e.Claim.PendingLines == 0);

        // Only the claiming distributor disputes; only a rejected or adjusted line.
        Assert.Equal(HttpStatusCode.NotFound,
            (await app.Distributor(Guid.NewGuid()).PostAsJsonAsync($"/api/pricing/claims/{id}/lines/3/dispute", new { comment = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PostAsJsonAsync($"/api/pricing/claims/{id}/lines/1/dispute", new { comment = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.PostAsJsonAsync($"/api/pricing/claims/{id}/lines/99/dispute", new { comment = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK,
            (await owner.PostAsJsonAsync($"/api/pricing/claims/{id}/lines/3/dispute", new { comment = "our book cost was the promo cost" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsync($"/api/pricing/claims/{id}/approve", null)).StatusCode);

        var resolved = await manager.PostAsJsonAsync($"/api/pricing/claims/{id}/lines/3/resolve", new { decision = "accept", credit = 500m, comment = "promo" });
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var after = await resolved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((3, 0, 0, 1_200m + 600m + 500m, 500m),
            (after.GetProperty("acceptedLines").GetInt32(), after.GetProperty("disputedLines").GetInt32(), after.GetProperty("rejectedLines").GetInt32(),
             after.GetProperty("acceptedCredit").GetDecimal(), after.GetProperty("overrideCredit").GetDecimal()));
        var line = await app.Db.Query<(string, string, decimal)>("select status, reason, credit from claim_lines where claim_id = @id and line_no = 3", new { id });
        Assert.Equal((ClaimLineStatus.Accepted, ClaimReason.ManualOverride, 500m), line.Single());

        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsync($"/api/pricing/claims/{id}/settle", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/pricing/claims/{id}/approve", null)).StatusCode);
        var settled = await manager.PostAsync($"/api/pricing/claims/{id}/settle", null);
        Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
        var memo = (await settled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("creditMemo").GetString();
        Assert.Matches(@"^CM-2026-\d{6}$", memo);
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsync($"/api/pricing/claims/{id}/settle", null)).StatusCode);
        var event_ = await app.Events.WaitFor<ClaimSettled>(e => e.ClaimId == id);
        Assert.Equal((memo, 2_300m), (event_.Claim.CreditMemo, event_.Claim.AcceptedCredit));

        // The 849 answer: one row per line, with its status, reason and credit.
        var csv = (await owner.GetStringAsync($"/api/pricing/claims/{id}/response.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, csv.Length);
        Assert.EndsWith($",{ClaimLineStatus.Accepted},{ClaimReason.ManualOverride},500.00,{memo}", csv[3]);
        Assert.Contains($",{ClaimLineStatus.Accepted},,1200.00,{memo}", csv[1]);
    }

    [Fact]
    public async Task A_deal_shows_its_chain_of_versions_claim_lines_and_credits_to_each_caller_its_share()
    {
        var partner = await app.Partner(PartnerTier.Silver);
        var (d1, d2) = (Guid.NewGuid(), Guid.NewGuid());
        await app.Authorize(d1, partner);
        await app.Authorize(d2, partner);
        var (dealId, pa) = await app.ApprovedDeal(partner, [Sku("SW-9300-48P", "switching", 10, 60_000), Sku("AP-6100", "wireless", 40, 30_000)]);
        var number = pa!.Value.GetProperty("number").GetString()!;
        await app.SellThrough(d1, ("INV-1", Today, partner, "SW-9300-48P", 2));
        await app.SellThrough(d2, ("INV-2", Today, partner, "AP-6100", 5));
        var (first, _) = await Read(await app.Claim(d1, ClaimRow(Unique("C"), number, "INV-1", Today, partner, "SW-9300-48P", 2, 6200, 5600)));
        Assert.Equal(HttpStatusCode.Created, (await app.Claim(d2, ClaimRow(Unique("C"), number, "INV-2", Today, partner, "AP-6100", 5, 744, 672))).StatusCode);
        var manager = app.Manager();
        var claimId = first.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/pricing/claims/{claimId}/approve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/pricing/claims/{claimId}/settle", null)).StatusCode);

        // Staff: the PA with its versions (issued, then claimed), both distributors' lines, credits granted and settled.
        var staff = await manager.GetFromJsonAsync<JsonElement>($"/api/pricing/deals/{dealId}");
        Assert.Equal(number, staff.GetProperty("authorization").GetProperty("number").GetString());
        Assert.Equal(["issued", "claimed", "claimed"], staff.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("action").GetString()));
        var lines = staff.GetProperty("claimLines").EnumerateArray().ToList();
        Assert.Equal([("INV-1", d1, ClaimLineStatus.Accepted, 1_200m), ("INV-2", d2, ClaimLineStatus.Accepted, 360m)],
            lines.Select(l => (l.GetProperty("invoiceNumber").GetString(), l.GetProperty("distributorId").GetGuid(), l.GetProperty("status").GetString(),
                l.GetProperty("credit").GetDecimal())).OrderBy(l => l.Item1));
        Assert.Equal((1_560m, 1_200m), (staff.GetProperty("acceptedCredit").GetDecimal(), staff.GetProperty("settledCredit").GetDecimal()));
        Assert.Matches(@"^CM-2026-\d{6}$", lines.Single(l => l.GetProperty("invoiceNumber").GetString() == "INV-1").GetProperty("creditMemo").GetString());

        // A distributor: its own lines and credits only.
        var mine = await app.Distributor(d2).GetFromJsonAsync<JsonElement>($"/api/pricing/deals/{dealId}");
        Assert.Equal(["INV-2"], mine.GetProperty("claimLines").EnumerateArray().Select(l => l.GetProperty("invoiceNumber").GetString()));
        Assert.Equal((360m, 0m), (mine.GetProperty("acceptedCredit").GetDecimal(), mine.GetProperty("settledCredit").GetDecimal()));

        // The partner: its PA and versions, no claim lines, no credits or costs; what was claimed shows as quantities on the PA's lines.
        var own = await app.Partner(partner).GetFromJsonAsync<JsonElement>($"/api/pricing/deals/{dealId}");
        Assert.Equal(3, own.GetProperty("versions").GetArrayLength());
        Assert.Equal(0, own.GetProperty("claimLines").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, own.GetProperty("acceptedCredit").ValueKind);
        Assert.Equal([2m, 5m], own.GetProperty("authorization").GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("claimedQuantity").GetDecimal()));
        Assert.DoesNotContain("6200", own.GetRawText());

        // Anyone else: 404, as for a deal that does not exist.
        Assert.Equal(HttpStatusCode.NotFound, (await app.Partner(await app.Partner()).GetAsync($"/api/pricing/deals/{dealId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Distributor(Guid.NewGuid()).GetAsync($"/api/pricing/deals/{dealId}")).StatusCode);
    }
}

/// <summary>Leakage Pricing can see: sales at or below book cost that no PA covered on their invoice date.</summary>
public sealed class FindingSalesBelowBookCost(PricingApp app) : IClassFixture<PricingApp>
{
    [Fact]
    public async Task Sales_at_or_below_book_cost_without_a_PA_that_day_are_announced_and_the_others_are_not()
    {
        var covered = await app.Partner();
        var uncovered = await app.Partner();
        var distributor = Guid.NewGuid();
        await app.Authorize(distributor, covered);
        await app.ApprovedDeal(covered, [Sku("SW-9300-48P", "switching", 10, 60_000)]);

        var report = await app.SellThroughAt(distributor,
            ("INV-1", Today, uncovered, "SW-9300-48P", 2, 6_000m),          // below the 6,200 book cost, no PA: leakage
            ("INV-2", Today, covered, "SW-9300-48P", 2, 5_600m),            // below book, but the partner's PA covers it
            ("INV-3", Today, uncovered, "SW-9300-48P", 1, 6_900m),          // above book
            ("INV-4", Today.AddDays(-10), covered, "SW-9300-48P", 1, 6_200m), // at book, before the PA was valid: leakage
            ("INV-5", Today, uncovered, "XX-UNPRICED", 1, 1m));             // not in the price book: nothing to compare with

        var found = await app.Events.WaitFor<SellThroughBelowBookCost>(e => e.ReportId == report);
        Assert.Equal([(1, 6_000m, 6_200m), (4, 6_200m, 6_200m)], found.Lines.Select(l => (l.LineNumber, l.UnitPrice, l.BookCost)));
        Assert.Equal(distributor, found.DistributorId);
    }
}
