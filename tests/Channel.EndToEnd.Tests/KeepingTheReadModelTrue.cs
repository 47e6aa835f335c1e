using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Channel.Testing;
using Dapper;
using Npgsql;

namespace Channel.EndToEnd.Tests;

/// <summary>
/// Property: whatever sequence of changes happens — registrations by partners and distributors,
/// every decision, edits, extensions, closes, partner suspensions, sell-through in many reports of
/// many batches — once the events have flowed, every row of every read model equals its source:
/// each deal in Reporting equals the deal in Deals (status, value, version, dates), each partner
/// and authorization equals its owner's, and the sell-through and registered-revenue sums equal the
/// lines stored by Distributors and the links stored by Deals. Sequences are drawn at random from a
/// seed; a failure names the seed and the steps.
/// </summary>
[Collection(TunedSystem.Name)]
public sealed class KeepingTheReadModelTrue(TunedSystem system)
{
    sealed class Known
    {
        public required Guid Partner { get; init; }
        public Guid? Distributor { get; init; }
        public string Status { get; set; } = "";
    }

    static readonly string[] customers =
        ["Lakeside Medical Group", "Harbor Freight Lines", "Summit School District", "Northwind Traders", "Contoso Bank", "Fabrikam Foods"];
    static readonly (string Sku, string Family)[] products = [("SW-9300-48P", "switching"), ("WL-6E-AP", "wireless"), ("FW-2100", "security")];

    [Theory]
    [InlineData(20261126, 70)]
    [InlineData(4242, 90)]
    public async Task After_any_sequence_of_changes_every_read_model_row_equals_its_source(int seed, int steps)
    {
        var random = new Random(seed);
        var log = new List<string>();
        var manager = system.Client("channel-manager");
        var partners = new List<Guid>();
        for (var i = 0; i < 4; i++) partners.Add(await Partner(manager, seed, i));
        var distributors = new Dictionary<Guid, List<Guid>>();
        for (var i = 0; i < 2; i++)
        {
            var onboarded = await manager.PostAsJsonAsync("/api/distributors",
                new { name = $"Property Supply {seed} {i} {Guid.NewGuid():N}"[..40], countries = new[] { "US" }, regions = new[] { "CA", "OR" } });
            var id = (await onboarded.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            distributors[id] = [partners[i * 2], partners[i * 2 + 1], partners[(i * 2 + 2) % 4]];
            foreach (var partner in distributors[id])
                await Eventually.True(async () => (await manager.PostAsJsonAsync($"/api/distributors/{id}/authorizations", new { partnerId = partner, regions = new[] { "CA", "OR" } }))
                    .StatusCode is HttpStatusCode.Created or HttpStatusCode.OK);
        }
        await Eventually.True(async () => await Scalar<long>(system.DealsDb, "select count(*) from reseller_authorizations where active and partner_id = any(@partners)",
            new { partners = partners.ToArray() }) == 6);

        var deals = new Dictionary<Guid, Known>();
        var suspended = new HashSet<Guid>();
        var answers = new List<(string Step, HttpStatusCode Status)>();
        async Task<HttpResponseMessage> Step(string name, Task<HttpResponseMessage> call)
        {
            var response = await call;
            answers.Add((name, response.StatusCode));
            log.Add($"{name} → {(int)response.StatusCode}");
            return response;
        }
        Guid? Pick(params string[] statuses)
        {
            var candidates = deals.Where(d => statuses.Contains(d.Value.Status)).Select(d => d.Key).ToList();
            return candidates.Count == 0 ? null : candidates[random.Next(candidates.Count)];
        }
        HttpClient RegistrantOf(Known deal) => deal.Distributor is { } d ? system.Client("distributor", distributorId: d) : system.Client("partner", deal.Partner);
        async Task Track(Guid id, HttpResponseMessage response)
        {
            if (response.IsSuccessStatusCode) deals[id].Status = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()!;
            else if (response.StatusCode == HttpStatusCode.Conflict)
                deals[id].Status = (await system.Client("leadership").GetFromJsonAsync<JsonElement>($"/api/deals/{id}")).GetProperty("deal").GetProperty("status").GetString()!;
        }

        for (var step = 0; step < steps; step++)
        {
            var roll = random.Next(100);
            if (roll < 28)
            {
                var distributor = random.Next(3) == 0 ? distributors.Keys.ElementAt(random.Next(2)) : (Guid?)null;
                var partner = distributor is { } d ? distributors[d][random.Next(3)] : partners[random.Next(4)];
                var client = distributor is { } dd ? system.Client("distributor", distributorId: dd) : system.Client("partner", partner);
                var response = await Step($"register for {partner} by {(distributor?.ToString() ?? "itself")}",
                    client.PostAsJsonAsync("/api/deals", Registration(random, distributor is null ? null : partner)));
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                    deals[body.GetProperty("id").GetGuid()] = new Known { Partner = partner, Distributor = distributor, Status = body.GetProperty("status").GetString()! };
                }
            }
            else if (roll < 44 && Pick("submitted", "compliance_review") is { } toApprove)
            {
                // As a manager would: once compliance screening has reached it (the portal offers no approval before).
                await system.Screened(toApprove);
                await Track(toApprove, await Step($"approve {toApprove}", manager.PostAsync($"/api/deals/{toApprove}/approve", null)));
            }
            else if (roll < 49 && Pick("submitted", "compliance_review") is { } toDecide)
            {
                var decision = random.Next(2) == 0 ? "reject" : "return";
                await Track(toDecide, await Step($"{decision} {toDecide}", manager.PostAsJsonAsync($"/api/deals/{toDecide}/{decision}", new { reason = "Property step." })));
            }
            else if (roll < 55 && Pick("returned") is { } returned)
            {
                var known = deals[returned];
                if (random.Next(2) == 0)
                    await Track(returned, await Step($"edit {returned}", RegistrantOf(known).PutAsJsonAsync($"/api/deals/{returned}",
                        Registration(random, known.Distributor is null ? null : known.Partner))));
                else
                    await Track(returned, await Step($"resubmit {returned}", RegistrantOf(known).PostAsync($"/api/deals/{returned}/resubmit", null)));
            }
            else if (roll < 62 && Pick("approved") is { } approved)
            {
                var known = deals[approved];
                var (name, call) = random.Next(4) switch
                {
                    0 => ("request extension", RegistrantOf(known).PostAsJsonAsync($"/api/deals/{approved}/extension-request", new { reason = "Budget slipped." })),
                    1 => ("grant extension", manager.PostAsync($"/api/deals/{approved}/extension", null)),
                    2 => ("won", RegistrantOf(known).PostAsJsonAsync($"/api/deals/{approved}/won", new { actualAmount = random.Next(1_000, 90_000) })),
                    _ => ("lost", manager.PostAsJsonAsync($"/api/deals/{approved}/lost", new { reason = "Incumbent kept it." })),
                };
                await Track(approved, await Step($"{name} {approved}", call));
            }
            else if (roll < 92)
            {
                var distributor = distributors.Keys.ElementAt(random.Next(2));
                var csv = Report(random, distributor, distributors[distributor], deals);
                await Step($"report by {distributor} ({csv.Count(c => c == '\n') - 1} lines)",
                    system.Client("distributor", distributorId: distributor).PostAsync($"/api/distributors/{distributor}/reports",
                        new StringContent(csv, Encoding.UTF8, "text/csv")));
            }
            else
            {
                var partner = partners[random.Next(4)];
                var action = suspended.Contains(partner) ? "reinstate" : "suspend";
                var response = await Step($"{action} partner {partner}", manager.PostAsJsonAsync($"/api/partners/{partner}/{action}", new { reason = "Property step." }));
                if (response.IsSuccessStatusCode && !suspended.Add(partner)) suspended.Remove(partner);
                // The next registration's answer must not depend on how fast Deals hears of it, or the sequence a seed names changes from run to run.
                if (response.IsSuccessStatusCode)
                    await Eventually.True(async () => await Scalar<string>(system.DealsDb, "select status from partners where id = @partner", new { partner })
                        == (suspended.Contains(partner) ? "suspended" : "active"));
            }
        }

        var context = $"seed {seed}; steps:\n{string.Join('\n', log)}";
        Assert.True(answers.All(a => (int)a.Status < 500 && a.Status != HttpStatusCode.BadRequest),
            $"a request the test made was answered {string.Join(", ", answers.Where(a => (int)a.Status >= 500 || a.Status == HttpStatusCode.BadRequest))}; {context}");
        Assert.True(deals.Count >= 10, $"only {deals.Count} deals were registered; {context}");
        // The sequence went through the paths worth checking: sell-through that won deals and revised them, reports of many batches.
        Assert.True(await Scalar<long>(system.DealsDb, "select count(*) from deals where won_source like 'sell-through%'") > 0, $"no deal won by sell-through; {context}");
        Assert.True(await Scalar<long>(system.DealsDb, "select count(*) from deal_history where action = 'sell_through_linked'") > 0,
            $"no amount revised by later sell-through; {context}");
        Assert.True(await Scalar<long>(system.DistributorsDb, "select count(*) from reports where batches > 2") > 0, $"no report of many batches; {context}");
        await Settled(context);
        await DealsEqual(context);
        await PartnersAndAuthorizationsEqual(context);
        await SumsEqual(context);
    }

    async Task<Guid> Partner(HttpClient manager, int seed, int i)
    {
        var domain = $"prop-{seed}-{i}-{Guid.NewGuid():N}"[..24] + ".example";
        var applied = await system.Client().PostAsJsonAsync("/api/partners/applications", new
        {
            legalName = $"Property Reseller {seed} {i}",
            country = "US",
            region = "CA",
            websiteDomain = domain,
            partnerType = "var",
            primaryContact = new { name = "Pat Doe", email = $"pat@{domain}" },
            agreementVersion = "2026-01",
        });
        var id = (await applied.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await manager.PostAsJsonAsync($"/api/partners/{id}/approve", new { tier = i % 2 == 0 ? "gold" : "silver" })).EnsureSuccessStatusCode();
        return id;
    }

    static object Registration(Random random, Guid? forPartner)
    {
        var lines = Enumerable.Range(0, random.Next(1, 3)).Select(_ => products[random.Next(products.Length)]).Distinct()
            .Select(p => new { sku = p.Sku, quantity = random.Next(1, 20), amount = (decimal)random.Next(1_000, 50_000) }).ToArray();
        return new
        {
            partnerId = forPartner,
            customer = new { legalName = customers[random.Next(customers.Length)], country = "US", region = random.Next(4) == 0 ? "OR" : "CA", sector = "commercial" },
            products = lines,
            totalValue = lines.Sum(l => l.amount),
            currency = "USD",
            expectedClose = DateTime.UtcNow.AddDays(random.Next(10, 300)).ToString("yyyy-MM-dd"),
        };
    }

    /// <summary>A sell-through report: lines that name a deal of their reseller, lines that match one by customer, and lines that match nothing.</summary>
    static string Report(Random random, Guid distributor, List<Guid> resellers, Dictionary<Guid, Known> deals)
    {
        var today = DateTime.UtcNow;
        var (start, end) = (new DateTime(today.Year, today.Month, 1), new DateTime(today.Year, today.Month, 1).AddMonths(1).AddDays(-1));
        var number = $"PR-{Guid.NewGuid():N}"[..14];
        var sb = new StringBuilder("report_number,period_start,period_end,invoice_number,invoice_date,transaction_type,reseller_id,end_customer_name,end_customer_country,end_customer_region,vendor_sku,quantity,unit_price,extended_amount,currency,deal_id\n");
        var count = random.Next(1, 120);
        for (var i = 0; i < count; i++)
        {
            var reseller = resellers[random.Next(resellers.Count)];
            var theirs = deals.Where(d => d.Value.Partner == reseller && d.Value.Status is "approved" or "won").Select(d => d.Key).ToList();
            var dealId = theirs.Count > 0 && random.Next(3) == 0 ? theirs[random.Next(theirs.Count)].ToString() : "";
            var (sku, _) = products[random.Next(products.Length)];
            var quantity = random.Next(1, 10);
            var price = random.Next(50, 2_000);
            var (type, q) = random.Next(12) == 0 ? ("return", -quantity) : ("sale", quantity);
            sb.Append($"{number},{start:yyyy-MM-dd},{end:yyyy-MM-dd},INV-{i},{today:yyyy-MM-dd},{type},{reseller},{customers[random.Next(customers.Length)]},US,CA,{sku},{q},{price}.00,{q * price}.00,USD,{dealId}\n");
        }
        return sb.ToString();
    }

    static async Task<T> Scalar<T>(TestDatabase db, string sql, object? args = null)
    {
        await using var conn = await db.Open();
        return await conn.ExecuteScalarAsync<T>(sql, args) ?? default!;
    }

    static async Task<List<T>> Rows<T>(TestDatabase db, string sql)
    {
        await using var conn = await db.Open();
        return [.. await conn.QueryAsync<T>(sql)];
    }

    /// <summary>Every outbox empty, and every reader at its source's versions and sums.</summary>
    async Task Settled(string context)
    {
        try
        {
            // In this order: Deals has handled every sell-through batch (which may win a deal: a new event in its outbox), then
            // every outbox is empty, then the read models hold what the sources hold.
            await Eventually.True(async () =>
                await Scalar<long>(system.DealsDb, "select count(*) from inbox where consumer like '%.SellThroughReportedConsumer'")
                    == await Scalar<long>(system.DistributorsDb, "select coalesce(sum(batches), 0) from reports")
                && await Scalar<long>(system.PartnersDb, "select count(*) from outbox") == 0
                && await Scalar<long>(system.DistributorsDb, "select count(*) from outbox") == 0
                && await Scalar<long>(system.DealsDb, "select count(*) from outbox") == 0
                && (await Rows<(Guid, int)>(system.DealsDb, "select id, version from deals order by id"))
                    .SequenceEqual(await Rows<(Guid, int)>(system.ReportingDb, "select id, version from deals order by id"))
                && await Scalar<long>(system.DistributorsDb, "select coalesce(sum(batches), 0) from reports")
                    == await Scalar<long>(system.ReportingDb, "select count(*) from sell_through_batches")
                && await Scalar<decimal>(system.DealsDb, "select coalesce(sum(amount), 0) from deal_sell_through")
                    == await Scalar<decimal>(system.ReportingDb, "select coalesce(sum(revenue), 0) from sell_through_registered"),
                "every outbox empty and Reporting at Deals' versions and sums", TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException) { } // compared row by row below, which says what differs
    }

    sealed record DealRow(Guid Id, string Status, decimal Value, int Version, Guid PartnerId, Guid? DistributorId, string Region, DateOnly ExpectedClose,
        DateTime? ApprovedAt, DateTime? ProtectionEndsAt, DateTime? ClosedAt, bool Overdue);

    async Task DealsEqual(string context)
    {
        const string Columns = """
            id as Id, status as Status, {0} as Value, version as Version, partner_id as PartnerId, distributor_id as DistributorId, {1} as Region,
            expected_close as ExpectedClose, approved_at as ApprovedAt, protection_ends_at as ProtectionEndsAt, closed_at as ClosedAt, overdue as Overdue
            """;
        var source = await Rows<DealRow>(system.DealsDb, $"select {string.Format(Columns, "coalesce(actual_amount, total_value)", "customer_region")} from deals order by id");
        var model = await Rows<DealRow>(system.ReportingDb, $"select {string.Format(Columns, "value", "region")} from deals order by id");
        var differences = source.Zip(model).Where(p => p.First != p.Second).Select(p => $"  {p.First.Id} ({p.First.Status}): " + string.Join(", ",
            typeof(DealRow).GetProperties().Where(f => !Equals(f.GetValue(p.First), f.GetValue(p.Second)))
                .Select(f => $"{f.Name} {Show(f.GetValue(p.First))} in Deals, {Show(f.GetValue(p.Second))} in Reporting"))).ToList();
        Assert.True(source.Count == model.Count && differences.Count == 0,
            $"{source.Count} deals, {model.Count} in the read model; rows that differ:\n{string.Join('\n', differences.Take(10))}\n{context}");
    }

    static string Show(object? value) => value switch
    {
        null => "null",
        DateTime t => $"{t:O} ({t.Kind})",
        _ => value.ToString()!,
    };

    async Task PartnersAndAuthorizationsEqual(string context)
    {
        var partners = await Rows<(Guid, string, string?, int)>(system.PartnersDb, "select id, status, tier, version from partners order by id");
        Assert.True(partners.SequenceEqual(await Rows<(Guid, string, string?, int)>(system.ReportingDb, "select id, status, tier, version from partners order by id")),
            $"partners differ from the read model; {context}");
        Assert.True(partners.Select(p => (p.Item1, p.Item2, p.Item4)).SequenceEqual(
                await Rows<(Guid, string, int)>(system.DealsDb, "select id, status, version from partners order by id")),
            $"partners differ from Deals' copy; {context}");
        var authorizations = await Rows<(Guid, bool, int)>(system.DistributorsDb, "select id, active, version from authorizations order by id");
        Assert.True(authorizations.SequenceEqual(await Rows<(Guid, bool, int)>(system.ReportingDb, "select id, active, version from authorizations order by id")),
            $"authorizations differ from the read model; {context}");
        Assert.True(authorizations.SequenceEqual(await Rows<(Guid, bool, int)>(system.DealsDb, "select id, active, version from reseller_authorizations order by id")),
            $"authorizations differ from Deals' copy; {context}");
        // No authorization outlived its partner's suspension.
        Assert.Equal(0L, await Scalar<long>(system.DistributorsDb,
            "select count(*) from authorizations a join partners p on p.id = a.partner_id where a.active and p.status <> 'active'"));
    }

    async Task SumsEqual(string context)
    {
        // Pipeline: per status, what the sums hold equals the deals counted and valued one by one.
        var byStatus = await Rows<(string, long, decimal)>(system.DealsDb,
            "select status, count(*), sum(coalesce(actual_amount, total_value)) from deals group by status order by status");
        foreach (var table in new[] { "pipeline", "pipeline_rollup" })
        {
            var sums = await Rows<(string, long, decimal)>(system.ReportingDb,
                $"select status, sum(deals)::bigint, sum(value) from {table} group by status having sum(deals) <> 0 or sum(value) <> 0 order by status");
            Assert.True(byStatus.SequenceEqual(sums),
                $"{table} differs from the deals: deals {string.Join(", ", byStatus)}; {table} {string.Join(", ", sums)}; {context}");
        }
        Assert.True(byStatus.Select(s => (s.Item1, s.Item2)).SequenceEqual(await Rows<(string, long)>(system.ReportingDb,
                "select status, sum(deals)::bigint from partner_pipeline group by status having sum(deals) <> 0 order by status")),
            $"partner_pipeline differs from the deals; {context}");

        // Sell-through: per distributor, what Reporting added up equals the lines Distributors accepted.
        var lines = await Rows<(Guid, decimal, decimal, long)>(system.DistributorsDb, """
            select r.distributor_id, sum(l.extended_amount), sum(l.quantity), count(*)
            from report_lines l join reports r on r.id = l.report_id group by 1 order by 1
            """);
        Assert.True(lines.SequenceEqual(await Rows<(Guid, decimal, decimal, long)>(system.ReportingDb,
                "select distributor_id, sum(revenue), sum(units), sum(lines)::bigint from sell_through group by 1 order by 1")),
            $"sell-through sums differ from the report lines; {context}");
        Assert.True(lines.Select(l => (l.Item1, l.Item2)).SequenceEqual(await Rows<(Guid, decimal)>(system.ReportingDb,
                "select distributor_id, sum(revenue) from sell_through_month group by 1 order by 1")),
            $"sell-through by month differs from the report lines; {context}");
        // Registered revenue: per partner, what Reporting added up equals the links Deals made.
        var linked = await Rows<(Guid, decimal)>(system.DealsDb,
            "select d.partner_id, sum(s.amount) from deal_sell_through s join deals d on d.id = s.deal_id group by 1 order by 1");
        Assert.True(linked.SequenceEqual(await Rows<(Guid, decimal)>(system.ReportingDb,
                "select partner_id, sum(revenue) from sell_through_registered group by 1 having sum(revenue) <> 0 order by 1")),
            $"registered revenue differs from the links; {context}");
    }
}
