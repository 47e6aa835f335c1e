using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Channel.Testing;
using Dapper;

namespace Channel.Load.Chaos;

/// <summary>
/// One workload, the same every time, through the gateway of a system with <c>n</c> instances of every service:
/// partners apply and are approved, a distributor is onboarded and authorized for them, partners register deals (some
/// for a customer another partner registered first: conflicts), a channel manager approves some and rejects one, a
/// partner is suspended and reinstated, the distributor uploads a sell-through report that names approved deals (so they
/// are won) and the same report again, a partner's special bid is granted and the distributor's claim against two price
/// authorizations approved and settled, a deal's protection is extended on its registrant's request and one closed as
/// lost, a partner user is invited (an Identity account), and the timers expire a deal whose protection ran out and mark
/// the registrations still waiting overdue. Then, once everything has settled,
/// every table of every service's database as rows (<see cref="Fingerprint"/>): run with one instance and with three,
/// the two must be equal row for row: no timer fired twice, no projection counted twice, no relay published twice.
/// </summary>
public static class SameResults
{
    /// <summary>Tables whose rows are bookkeeping of delivery, not results: which process took which message when.</summary>
    static readonly string[] Bookkeeping = ["inbox", "outbox", "outbox_dead_letters", "schemaversions", "idempotency_keys"];

    /// <summary>
    /// Columns that say when or how something happened rather than what: two correct runs differ in them by timing alone.
    /// (Between its steps the workload waits for the system to go quiet, so what services see, and in which order, is
    /// the same in both runs.)
    /// </summary>
    static readonly Dictionary<string, string[]> Incidental = new()
    {
        // Wall-clock time from registration to approval.
        ["Reporting.pipeline"] = ["days_to_approve"],
        ["Reporting.pipeline_rollup"] = ["days_to_approve"],
        // How many tries the mail relay took, and its last error.
        ["Notifications.mails"] = ["attempts", "last_error"],
        // Secrets each process generates: an account's security stamp, a signing key's id, a client secret's salted hash.
        ["Identity.accounts"] = ["security_stamp"],
        ["Identity.signing_keys"] = ["id"],
        ["Identity.oidc_applications"] = ["client_secret"],
        ["Identity.data_protection_keys"] = ["name", "xml"],
    };

    public static async Task<Dictionary<string, List<string>>> Run(int instances, TextWriter output)
    {
        await using var system = await ChaosSystem.Start(instances: instances, services: ChaosSystem.Every);
        using var http = new HttpClient { BaseAddress = new Uri(system.Gateway), Timeout = TimeSpan.FromSeconds(30) };
        var manager = new AuthenticationHeaderValue("Bearer", Tokens.For("channel-manager"));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        async Task<JsonElement> Send(HttpMethod method, string path, object? body, AuthenticationHeaderValue who, HttpStatusCode expected)
        {
            using var request = new HttpRequestMessage(method, path) { Headers = { Authorization = who } };
            if (body is string csv) request.Content = new StringContent(csv, Encoding.UTF8, "text/csv");
            else if (body is not null) request.Content = JsonContent.Create(body);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != expected) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }

        // The price book every approved deal is priced from.
        await Send(HttpMethod.Post, "/api/pricing/price-lists?name=same", "sku,product_family,list_price,distributor_cost,currency,effective_from\n" +
            "SW-9300-48P,switching,10000.00,6200.00,USD,2026-01-01\n", manager, HttpStatusCode.Created);

        // Four partners, applied for by a channel manager and approved (each step heard everywhere before the next).
        var partners = new List<Guid>();
        foreach (var letter in "ABCD")
        {
            var domain = $"same-{char.ToLowerInvariant(letter)}.example";
            var applied = await Send(HttpMethod.Post, "/api/partners/applications", new
            {
                legalName = $"Same Reseller {letter}",
                country = "US",
                region = "CA",
                websiteDomain = domain,
                partnerType = "var",
                primaryContact = new { name = $"Pat {letter}", email = $"pat@{domain}" },
                agreementVersion = "2026-01",
            }, manager, HttpStatusCode.Created);
            partners.Add(applied.GetProperty("id").GetGuid());
        }
        await Quiet(system);
        foreach (var (id, letter) in partners.Zip("ABCD"))
            await Send(HttpMethod.Post, $"/api/partners/{id}/approve", new { tier = letter == 'A' ? "gold" : "silver" }, manager, HttpStatusCode.OK);
        await Quiet(system);
        await Eventually.True(async () => await system.Count("Deals", "select count(*) from partners where status = 'active'") == 4
                                          && await system.Count("Distributors", "select count(*) from partners where status = 'active'") == 4,
            "Deals and Distributors to learn of the partners");

        // A user of partner A invited (Identity makes an account, Notifications mails the invitation).
        await Send(HttpMethod.Post, $"/api/partners/{partners[0]}/users", new { name = "Sam A", email = "sam@same-a.example", role = "sales" },
            manager, HttpStatusCode.Created);
        await Quiet(system);

        var distributor = (await Send(HttpMethod.Post, "/api/distributors",
            new { name = "Same Supply", countries = new[] { "US" }, regions = new[] { "CA" } }, manager, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        // (Heard everywhere before it authorizes anyone: a Notifications instance that has not yet heard of the distributor
        // mails its partners that "a distributor" may now serve them.)
        await Quiet(system);
        foreach (var partner in partners)
            await Send(HttpMethod.Post, $"/api/distributors/{distributor}/authorizations", new { partnerId = partner, regions = new[] { "CA" } },
                manager, HttpStatusCode.Created);
        await Quiet(system);

        // Twelve registrations, one after another: customers 0-8 once each, and 0, 3 and 6 again by another partner.
        var deals = new List<(Guid Id, Guid Partner, string Customer)>();
        var customers = Enumerable.Range(0, 9).Select(i => $"Same Customer {i}").Concat(["Same Customer 0", "Same Customer 3", "Same Customer 6"]).ToList();
        for (var i = 0; i < customers.Count; i++)
        {
            var partner = partners[i % partners.Count];
            var deal = await Send(HttpMethod.Post, "/api/deals", new
            {
                partnerId = partner,
                customer = new { legalName = customers[i], country = "US", region = "CA", sector = "commercial" },
                products = new[] { new { sku = "SW-9300-48P", quantity = 1 + i % 3, amount = 10_000m * (1 + i % 3) } },
                totalValue = 10_000m * (1 + i % 3),
                currency = "USD",
                expectedClose = DateTime.UtcNow.Date.AddDays(30 + i).ToString("yyyy-MM-dd"),
            }, new AuthenticationHeaderValue("Bearer", Tokens.For("partner", partner)), HttpStatusCode.Created);
            deals.Add((deal.GetProperty("id").GetGuid(), partner, customers[i]));
        }
        await Eventually.True(async () => await system.Count("Deals", "select count(*) from deals where screening = 'pending'") == 0,
            "every registration screened");
        await Quiet(system);

        // The first six approved, the seventh rejected.
        // (One at a time: Pricing numbers each deal's price authorization as it hears of the approval.)
        foreach (var (id, _, _) in deals.Take(6))
        {
            await Send(HttpMethod.Post, $"/api/deals/{id}/approve", null, manager, HttpStatusCode.OK);
            await Quiet(system);
        }
        await Send(HttpMethod.Post, $"/api/deals/{deals[6].Id}/reject", new { reason = "duplicate of an existing opportunity" }, manager, HttpStatusCode.OK);
        await Quiet(system);

        // Partner D suspended and reinstated (its authorization ends with the suspension), then authorized again.
        await Send(HttpMethod.Post, $"/api/partners/{partners[3]}/suspend", new { reason = "lapsed certification" }, manager, HttpStatusCode.OK);
        await Quiet(system);
        await Send(HttpMethod.Post, $"/api/partners/{partners[3]}/reinstate", new { reason = "certification renewed" }, manager, HttpStatusCode.OK);
        await Quiet(system);
        await Eventually.True(async () => await system.Count("Distributors", $"select count(*) from partners where id = '{partners[3]}' and status = 'active' and version >= 4") == 1,
            "Distributors to hear of the reinstatement");
        // The ended authorization is taken up again (200: the same authorization, active again).
        await Send(HttpMethod.Post, $"/api/distributors/{distributor}/authorizations", new { partnerId = partners[3], regions = new[] { "CA" } },
            manager, HttpStatusCode.OK);

        // A sell-through report naming three approved deals and a sale that matches none; sent twice (the second is a replay).
        var today = DateTime.UtcNow.Date;
        var (start, end) = (new DateTime(today.Year, today.Month, 1), new DateTime(today.Year, today.Month, 1).AddMonths(1).AddDays(-1));
        var csv = new StringBuilder("report_number,period_start,period_end,invoice_number,invoice_date,transaction_type,reseller_id,end_customer_name,end_customer_country,vendor_sku,quantity,unit_price,extended_amount,currency,deal_id\n");
        foreach (var (deal, n) in deals.Take(3).Select((d, n) => (d, n)))
            csv.Append($"SAME-1,{start:yyyy-MM-dd},{end:yyyy-MM-dd},INV-{n},{today:yyyy-MM-dd},sale,{deal.Partner},{deal.Customer},US,SW-9300-48P,1,9000.00,9000.00,USD,{deal.Id}\n");
        csv.Append($"SAME-1,{start:yyyy-MM-dd},{end:yyyy-MM-dd},INV-9,{today:yyyy-MM-dd},sale,{partners[1]},Walk-in Customer,US,SW-9300-48P,2,500.00,1000.00,USD,\n");
        var asDistributor = new AuthenticationHeaderValue("Bearer", Tokens.For("distributor", distributorId: distributor));
        var asPartnerOf = (Guid partner) => new AuthenticationHeaderValue("Bearer", Tokens.For("partner", partner));
        await Send(HttpMethod.Post, $"/api/distributors/{distributor}/reports", csv.ToString(), asDistributor, HttpStatusCode.Created);
        await Quiet(system);
        await Send(HttpMethod.Post, $"/api/distributors/{distributor}/reports", csv.ToString(), asDistributor, HttpStatusCode.OK);
        await Quiet(system);

        // Pricing: deal 0's partner asks for a deeper price and a channel manager grants it; the distributor claims against
        // deals 1's and 2's price authorizations for the units it reported selling, and the claim is approved and settled.
        async Task<JsonElement> AuthorizationOf(Guid deal)
        {
            JsonElement found = default;
            await Eventually.True(async () =>
            {
                found = await Send(HttpMethod.Get, $"/api/pricing/authorizations?dealId={deal}", null, manager, HttpStatusCode.OK);
                return found.GetProperty("total").GetInt32() == 1;
            }, $"deal {deal}'s price authorization");
            return found.GetProperty("items")[0];
        }
        var bidOn = (await AuthorizationOf(deals[0].Id)).GetProperty("id").GetGuid();
        var bid = await Send(HttpMethod.Post, $"/api/pricing/authorizations/{bidOn}/special-bids", new
        {
            competitor = "Arista",
            justification = "the customer has a quote at 52 % off list",
            lines = new[] { new { lineNo = 1, requestedDiscountPercent = 52m } },
        }, asPartnerOf(deals[0].Partner), HttpStatusCode.Created);
        await Send(HttpMethod.Post, $"/api/pricing/authorizations/{bidOn}/special-bids/{bid.GetProperty("id").GetGuid()}/approve", null, manager, HttpStatusCode.OK);
        var claim = new StringBuilder("claim_number,pa_number,invoice_number,invoice_date,reseller_id,end_customer_name,vendor_sku,quantity,book_cost,authorized_cost,claimed_amount\n");
        foreach (var n in new[] { 1, 2 })
        {
            var pa = await AuthorizationOf(deals[n].Id);
            var full = await Send(HttpMethod.Get, $"/api/pricing/authorizations/{pa.GetProperty("id").GetGuid()}", null, manager, HttpStatusCode.OK);
            var net = full.GetProperty("authorization").GetProperty("lines")[0].GetProperty("prices")[0].GetProperty("netCost").GetDecimal();
            claim.Append(FormattableString.Invariant(
                $"SAME-C1,{pa.GetProperty("number").GetString()},INV-{n},{today:yyyy-MM-dd},{deals[n].Partner},{deals[n].Customer},SW-9300-48P,1,6200.00,{net:F2},{6200m - net:F2}\n"));
        }
        var claimed = await Send(HttpMethod.Post, "/api/pricing/claims", claim.ToString(), asDistributor, HttpStatusCode.Created);
        var claimId = claimed.GetProperty("claim").GetProperty("id").GetGuid();
        await Send(HttpMethod.Post, $"/api/pricing/claims/{claimId}/approve", null, manager, HttpStatusCode.OK);
        await Send(HttpMethod.Post, $"/api/pricing/claims/{claimId}/settle", null, manager, HttpStatusCode.OK);

        // Deal 4's registrant asks for more time and a channel manager grants it; deal 5 is lost.
        await Send(HttpMethod.Post, $"/api/deals/{deals[4].Id}/extension-request", new { reason = "customer's budget cycle moved" },
            asPartnerOf(deals[4].Partner), HttpStatusCode.OK);
        await Send(HttpMethod.Post, $"/api/deals/{deals[4].Id}/extension", null, manager, HttpStatusCode.OK);
        await Send(HttpMethod.Post, $"/api/deals/{deals[5].Id}/lost", new { reason = "lost on price" }, asPartnerOf(deals[5].Partner), HttpStatusCode.OK);

        await Quiet(system);

        // Time passes for the timers: deal 3's protection runs out and the registrations still waiting pass their approval
        // deadline. (Their due times are moved into the past in Deals' database; every instance's timer sees the same rows,
        // and each deal must expire, and each wait be marked overdue, once.)
        await using (var conn = await system.Open("Deals"))
        {
            await conn.ExecuteAsync("update deals set protection_ends_at = now() - interval '1 minute' where id = @Id", new { deals[3].Id });
            await conn.ExecuteAsync("update deals set sla_due_at = now() - interval '1 minute' where status in ('submitted', 'compliance_review')");
        }
        await Eventually.True(async () => await system.Count("Deals", $"select count(*) from deals where id = '{deals[3].Id}' and status = 'expired'") == 1
                                          && await system.Count("Deals", "select count(*) from deals where status in ('submitted', 'compliance_review') and not overdue") == 0,
            "the timers to expire deal 3 and mark the waiting registrations overdue");

        await Settle(system, deals.Count);
        await Quiet(system);
        output.WriteLine($"same results: workload through {instances} instance(s) of each service done and settled in {watch.Elapsed.TotalSeconds:F0} s");
        return await Fingerprint(system);
    }

    /// <summary>
    /// Every outbox empty, no message in any queue or being handled, and no service taking one in (the inboxes' counts
    /// unchanged), all of it for two seconds on end (the broker's statistics run about a second behind): what one step
    /// caused has been handled everywhere before the next step, so the order in which services see events is the same in
    /// every run, whatever the number of instances. (A second of quiet inboxes alone was not enough on a loaded machine: in
    /// one CI run three partners' copies in Distributors differed, most likely an approval overtaking the screening of
    /// the application it approved.)
    /// </summary>
    static async Task Quiet(ChaosSystem system)
    {
        var (last, since) = (-1L, DateTime.UtcNow);
        await Eventually.True(async () =>
        {
            long handled = 0;
            var busy = await system.Queued() > 0;
            foreach (var service in system.Services)
            {
                busy |= await system.Count(service, "select count(*) from outbox") > 0;
                handled += await system.Count(service, "select count(*) from inbox");
            }
            if (busy || handled != last) (last, since) = (busy ? -1 : handled, DateTime.UtcNow);
            return !busy && DateTime.UtcNow - since > TimeSpan.FromSeconds(2);
        }, "the system to go quiet", TimeSpan.FromSeconds(120));
    }

    /// <summary>Every outbox empty, every deal in the Reporting read model at the version Deals holds, three deals won.</summary>
    static Task Settle(ChaosSystem system, int deals) => Eventually.True(async () =>
    {
        foreach (var service in system.Services)
            if (await system.Count(service, "select count(*) from outbox") > 0) return false;
        var versions = await Versions(system, "Deals");
        return versions.Count == deals && versions.Count(v => v.Status == "won") == 3
               && (await Versions(system, "Reporting")).ToHashSet().SetEquals(versions);
    }, "the system to settle", TimeSpan.FromSeconds(120));

    static async Task<List<(Guid Id, int Version, string Status)>> Versions(ChaosSystem system, string service)
    {
        await using var conn = await system.Open(service);
        return [.. await conn.QueryAsync<(Guid, int, string)>("select id, version, status from deals")];
    }

    /// <summary>
    /// Every table of every service as sorted rows of text, keyed "service.table": generated identifiers (uuids, serial
    /// numbers), clock readings and the <see cref="Incidental"/> columns left out, and uuids and timestamps inside text
    /// and JSON masked, since two runs generate their own; everything else as stored.
    /// </summary>
    public static async Task<Dictionary<string, List<string>>> Fingerprint(ChaosSystem system)
    {
        var result = new Dictionary<string, List<string>>();
        foreach (var service in system.Services)
        {
            await using var conn = await system.Open(service);
            var columns = (await conn.QueryAsync<(string Table, string Column, string Type, string? Default, string Identity)>("""
                select c.table_name, c.column_name, c.data_type, c.column_default, c.is_identity
                from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
                where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
                order by c.table_name, c.ordinal_position
                """)).ToList();
            foreach (var table in columns.GroupBy(c => c.Table).Where(t => !Bookkeeping.Contains(t.Key)))
            {
                var incidental = Incidental.GetValueOrDefault($"{service}.{table.Key}", []);
                var kept = table.Where(c => c.Type is not ("uuid" or "bytea" or "timestamp with time zone" or "timestamp without time zone")
                                            && c.Identity != "YES" && !(c.Default ?? "").StartsWith("nextval") && !incidental.Contains(c.Column)).ToList();
                if (kept.Count == 0) continue;
                var row = string.Join(" || '|' || ", kept.Select(c => $"coalesce({Masked($"\"{c.Column}\"::text")}, 'NULL')"));
                var rows = await conn.QueryAsync<string>($"select {row} as r from \"{table.Key}\" order by 1");
                result[$"{service}.{table.Key}"] = [.. rows];
            }
        }
        return result;
    }

    /// <summary>
    /// Generated values inside text masked: uuids, ISO timestamps, times written for people ("1 December 2026 01:14 UTC"),
    /// and the one-time secrets in links (an invitation's ticket).
    /// </summary>
    static string Masked(string text)
    {
        foreach (var (pattern, mask) in new[]
                 {
                     ("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID"),
                     (@"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}(:[0-9]{2})?)?", "TIME"),
                     ("[0-9]{1,2} [A-Z][a-z]+ [0-9]{4} [0-9]{2}:[0-9]{2} UTC", "TIME"),
                     ("ticket=[A-Za-z0-9_-]+", "ticket=SECRET"),
                 })
            text = $"regexp_replace({text}, '{pattern}', '{mask}', 'g')";
        return text;
    }

    /// <summary>What differs between two fingerprints, table by table (rows in one and not the other, with their counts).</summary>
    public static List<string> Differences(Dictionary<string, List<string>> one, Dictionary<string, List<string>> other)
    {
        var differences = new List<string>();
        foreach (var table in one.Keys.Union(other.Keys).Order())
        {
            var a = one.GetValueOrDefault(table, []);
            var b = other.GetValueOrDefault(table, []);
            var onlyA = a.GroupBy(r => r).Select(g => (g.Key, g.Count() - b.Count(r => r == g.Key))).Where(d => d.Item2 > 0).ToList();
            var onlyB = b.GroupBy(r => r).Select(g => (g.Key, g.Count() - a.Count(r => r == g.Key))).Where(d => d.Item2 > 0).ToList();
            foreach (var (row, n) in onlyA) differences.Add($"{table}: only in the first ({n}×): {row}");
            foreach (var (row, n) in onlyB) differences.Add($"{table}: only in the second ({n}×): {row}");
        }
        return differences;
    }
}
