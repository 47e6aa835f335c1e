using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Channel.Hosting.Auth;
using Channel.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit.Abstractions;

namespace Channel.EndToEnd.Tests;

/// <summary>
/// Every endpoint the services publish in their OpenAPI documents, called by every kind of caller
/// (both tenants' partners and distributors, leadership, a manager, an admin, tokens without their
/// id, and tokens that must be refused) on both tenants' ids, through the gateway and directly at
/// each service. Each endpoint needs an entry saying who may call it; an endpoint without one fails
/// the test. Every answer is searched for what the caller may not see, and the refused writes must
/// leave everything as it was.
/// </summary>
public sealed class AuthorizationMatrix(TwoTenants system, ITestOutputHelper output) : IClassFixture<TwoTenants>
{
    static readonly string[] PipelineViews = ["stage", "partner", "tier", "region", "distributor", "month", "ageing", "expiring"];
    static readonly string[] SellThroughViews = ["month", "distributor", "partner", "sku"];

    [Fact]
    public async Task Every_caller_gets_only_what_it_may_on_every_endpoint_and_refused_writes_write_nothing()
    {
        var (a, b) = (system.A, system.B);
        var endpoints = await system.PublishedEndpoints();
        var entries = Entries();
        Assert.Empty(endpoints.Keys.Except(entries.Keys).Select(e => $"{e}: no entry in the authorization matrix"));
        Assert.Empty(entries.Keys.Except(endpoints.Keys).Select(e => $"{e}: an entry for an endpoint that no longer exists"));

        var callers = Callers(a, b);
        var cases = new List<Case>();
        foreach (var (key, endpoint) in endpoints)
            foreach (var target in Targets(endpoint, entries[key]))
                foreach (var who in callers)
                    if (Expected(entries[key], who, target) is { } status)
                        foreach (var route in new[] { "gateway", "direct" })
                            cases.Add(new Case(endpoint, target, who, status, route));

        var before = await Snapshot();
        var failures = new ConcurrentBag<string>();
        var seen = new ConcurrentBag<string>(); // what staff were shown: each secret must appear in some of it
        var clients = new ConcurrentDictionary<(string Who, string Where), HttpClient>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, ct) =>
        {
            var client = clients.GetOrAdd((c.Who.Name, c.Route == "gateway" ? "gateway" : c.Endpoint.Service),
                _ => ClientFor(c.Who, c.Route == "gateway" ? null : c.Endpoint.Service, Array.IndexOf(callers, c.Who)));
            using var request = new HttpRequestMessage(new HttpMethod(c.Endpoint.Method), c.Target.Path) { Content = c.Target.Content?.Invoke() };
            var sent = c.Target.Path + (request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct));
            using var response = await client.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var label = $"{c.Endpoint.Method} {c.Target.Path} as {c.Who.Name} via {c.Route}";
            if ((int)response.StatusCode != c.Status) failures.Add($"{label}: {(int)response.StatusCode}, expected {c.Status} {Short(body)}");
            foreach (var secret in c.Who.MayNotSee.Where(s => !sent.Contains(s, StringComparison.OrdinalIgnoreCase)))
                if (body.Contains(secret, StringComparison.OrdinalIgnoreCase)) failures.Add($"{label}: shows \"{secret}\"");
            if (c.Who.Staff && response.IsSuccessStatusCode) seen.Add(body);
        });
        var after = await Snapshot();

        var shown = string.Join("\n", seen);
        var unseen = a.Everything.Concat(b.Everything).Where(s => !shown.Contains(s, StringComparison.OrdinalIgnoreCase)).ToList();
        var reads = cases.Count(c => c.Endpoint.Method == "GET");
        output.WriteLine($"authorization matrix: {endpoints.Count} endpoints x {callers.Length} callers, {cases.Count} requests " +
                         $"({reads} reads, {cases.Count - reads} refused writes), {failures.Count} failures");
        Assert.True(failures.IsEmpty, $"{failures.Count} of {cases.Count}:\n" + string.Join("\n", failures.Order().Take(60)));
        Assert.True(unseen.Count == 0, "the matrix could not have found these, since no staff answer shows them: " + string.Join(", ", unseen));
        foreach (var (url, was) in before) Assert.True(was == after[url], $"a refused write changed {url}");
    }

    // ---- the entries: who may call what ----

    delegate int? Rule(Who who, Target target);

    sealed record Entry(Rule Rule, Func<Tenant, HttpContent>? Body = null, string[]? Views = null, bool Anonymous = false);

    static Dictionary<string, Entry> Entries()
    {
        // Reads.
        Rule anyone = (w, _) => 200;
        Rule staff = (w, _) => w.Staff ? 200 : 403;
        Rule admin = (w, _) => w.Role == Roles.Admin ? 200 : 403;
        Rule adminMissing = (w, _) => w.Role == Roles.Admin ? 404 : 403; // an operator's lookup of something absent
        Rule seesPartner = (w, t) => w.Staff || w.IsPartner(t.Tenant) || w.IsDistributor(t.Tenant) ? 200 : 404;
        Rule partnerItself = (w, t) => w.Staff || w.IsPartner(t.Tenant) ? 200 : 404;
        Rule seesDistributor = (w, t) => w.Staff || w.IsDistributor(t.Tenant) || w.IsPartner(t.Tenant) ? 200 : 404;
        Rule distributorItself = (w, t) => w.Staff || w.IsDistributor(t.Tenant) ? 200 : 404;
        Rule seesDeal = seesPartner;
        // Webhook subscriptions belong to a partner, a distributor or the vendor (admins); staff who own none are refused.
        Rule ownsSystems = (w, _) => w.Role is Roles.Partner && w.PartnerId is not null || w.Role is Roles.Distributor && w.DistributorId is not null
            || w.Role == Roles.Admin ? 200 : 403;
        Rule subscriptionOwner = (w, t) => w.IsPartner(t.Tenant) ? 200 : ownsSystems(w, t) == 403 ? 403 : 404; // a deal is its partner's, its registering distributor's and any distributor serving the partner's
        // Refused writes (null: allowed, not sent here; the feature tests make those calls).
        Rule managers = (w, _) => w.Manager ? null : 403;
        Rule admins = (w, _) => w.Role == Roles.Admin ? null : 403;
        Rule partnerOrManager = (w, t) => w.Manager || w.IsPartner(t.Tenant) ? null : w.Staff ? 403 : 404;
        Rule distributorOrManager = (w, t) => w.Manager || w.IsDistributor(t.Tenant) ? null : w.Staff ? 403 : 404;
        Rule registrant = (w, t) => !(w.Staff || w.IsPartner(t.Tenant) || w.IsDistributor(t.Tenant)) ? 404
            : w.IsPartner(t.Tenant) || (w.IsDistributor(t.Tenant) && t.Tenant!.DistributorRegistered) ? null : 403;
        Rule registrantOrManager = (w, t) => w.Manager ? null : registrant(w, t);
        Rule subscribes = (w, t) => ownsSystems(w, t) == 200 ? null : 403;
        Rule changesSubscription = (w, t) => subscriptionOwner(w, t) == 200 ? null : subscriptionOwner(w, t);
        Rule registers = (w, t) => w.IsPartner(t.Tenant) || w.IsDistributor(t.Tenant) ? null
            : w.Role == Roles.Partner && w.PartnerId is not null ? 400 // names another partner than itself
            : 403;

        static HttpContent Json(object body) => JsonContent(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
        Func<Tenant, HttpContent> reason = _ => Json(new { reason = "Authorization matrix." });
        Func<Tenant, HttpContent> registration = t => Json(new
        {
            partnerId = t.PartnerId,
            customer = new { legalName = $"Matrix Customer {Guid.NewGuid():N}", country = "US", region = t.Name == "Alpha" ? "WA" : "OR", sector = "commercial" },
            products = new[] { new { sku = "SW-9300-48P", quantity = 1, amount = 1_000m } },
            totalValue = 1_000m,
            currency = "USD",
            expectedClose = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd"),
        });
        Func<Tenant, HttpContent> report = t => new StringContent(
            "report_number,period_start,period_end,invoice_number,invoice_date,transaction_type,reseller_id,end_customer_name,end_customer_country,vendor_sku,quantity,unit_price,extended_amount,currency\n" +
            $"MATRIX-{Guid.NewGuid():N},{DateTime.UtcNow:yyyy-MM-01},{DateTime.UtcNow:yyyy-MM-dd},INV-1,{DateTime.UtcNow:yyyy-MM-dd},sale,{t.PartnerId},Matrix Buyer,US,RT-8800,1,10.00,10.00,USD\n",
            Encoding.UTF8, "text/csv");

        var entries = new Dictionary<string, Entry>
        {
            ["GET /api/partners"] = new(anyone),
            ["GET /api/partners/export"] = new(anyone),
            ["GET /api/partners/{id}"] = new(seesPartner),
            ["GET /api/partners/{id}/history"] = new(partnerItself),
            ["GET /api/partners/{id}/users"] = new(partnerItself),
            ["POST /api/partners/applications"] = new((_, _) => null, Anonymous: true), // the hostile-input run and the limit tests cover it
            ["POST /api/partners/{id}/approve"] = new(managers, Body: _ => Json(new { tier = "gold" })),
            ["POST /api/partners/{id}/reject"] = new(managers, Body: reason),
            ["POST /api/partners/{id}/clear-hold"] = new(managers, Body: reason),
            ["POST /api/partners/{id}/suspend"] = new(managers, Body: reason),
            ["POST /api/partners/{id}/reinstate"] = new(managers, Body: reason),
            ["POST /api/partners/{id}/terminate"] = new(managers, Body: reason),
            ["POST /api/partners/{id}/tier"] = new(managers, Body: _ => Json(new { tier = "silver", reason = "Matrix." })),
            ["POST /api/partners/{id}/users"] = new(partnerOrManager, Body: t => Json(new { name = "Matrix User", email = $"matrix@{t.Domain}", role = "viewer" })),
            ["PUT /api/partners/{id}/users/{userId}/role"] = new(partnerOrManager, Body: _ => Json(new { role = "viewer" })),
            ["DELETE /api/partners/{id}/users/{userId}"] = new(partnerOrManager),

            ["GET /api/distributors"] = new(anyone),
            ["GET /api/distributors/{id}"] = new(seesDistributor),
            ["GET /api/distributors/{id}/users"] = new(distributorItself),
            ["GET /api/distributors/{id}/resellers"] = new(distributorItself),
            ["GET /api/distributors/{id}/reports"] = new(distributorItself),
            ["GET /api/distributors/partners/{partnerId}"] = new(partnerItself),
            ["GET /api/distributors/reports"] = new(staff),
            ["GET /api/distributors/reports/{reportId}"] = new(distributorItself),
            ["GET /api/distributors/reports/{reportId}/lines"] = new(distributorItself),
            ["GET /api/distributors/reports/{reportId}/rejections"] = new(distributorItself),
            ["POST /api/distributors"] = new(managers, Body: _ => Json(new { name = $"Matrix Distribution {Guid.NewGuid():N}", countries = new[] { "US" }, regions = new[] { "WA" } })),
            ["POST /api/distributors/{id}/users"] = new(distributorOrManager, Body: _ => Json(new { name = "Matrix Operator", email = "matrix@matrix-dist.example", role = "sales" })),
            ["PUT /api/distributors/{id}/users/{userId}/role"] = new(distributorOrManager, Body: _ => Json(new { role = "sales" })),
            ["DELETE /api/distributors/{id}/users/{userId}"] = new(distributorOrManager),
            ["POST /api/distributors/{id}/authorizations"] = new(managers, Body: t => Json(new { partnerId = t.PartnerId, regions = new[] { "WA", "OR" } })),
            ["POST /api/distributors/{id}/authorizations/{partnerId}/revoke"] = new(managers, Body: reason),
            ["POST /api/distributors/{id}/reports"] = new(distributorOrManager, Body: report),
            ["POST /api/distributors/{id}/suspend"] = new(managers, Body: reason),
            ["POST /api/distributors/{id}/reinstate"] = new(managers, Body: reason),
            ["POST /api/distributors/{id}/terminate"] = new(managers, Body: reason),

            ["GET /api/deals"] = new(anyone),
            ["GET /api/deals/queue"] = new(staff),
            ["GET /api/deals/registration-form"] = new(anyone),
            ["GET /api/deals/export"] = new(anyone),
            ["GET /api/deals/{id}"] = new(seesDeal),
            ["POST /api/deals"] = new(registers, Body: registration),
            ["PUT /api/deals/{id}"] = new(registrant, Body: registration),
            ["POST /api/deals/{id}/approve"] = new(managers),
            ["POST /api/deals/{id}/reject"] = new(managers, Body: reason),
            ["POST /api/deals/{id}/return"] = new(managers, Body: reason),
            ["POST /api/deals/{id}/resubmit"] = new(registrant),
            ["POST /api/deals/{id}/extension-request"] = new(registrant, Body: reason),
            ["POST /api/deals/{id}/extension"] = new(managers),
            ["POST /api/deals/{id}/won"] = new(registrantOrManager, Body: _ => Json(new { actualAmount = 1_000m })),
            ["POST /api/deals/{id}/lost"] = new(registrantOrManager, Body: reason),

            ["GET /api/notifications/preferences"] = new(anyone),                  // one's own, by the token's subject
            ["PUT /api/notifications/preferences"] = new((_, _) => null, Body: _ => Json(new { settings = new { dealApproved = "off" } })),
            ["GET /api/notifications/webhook-kinds"] = new(ownsSystems),
            ["GET /api/notifications/subscriptions"] = new(ownsSystems),
            ["POST /api/notifications/subscriptions"] = new(subscribes, Body: t => Json(new { url = "http://127.0.0.1:9/matrix", kinds = new[] { "deal.approved" } })),
            ["GET /api/notifications/subscriptions/{id}"] = new(subscriptionOwner),
            ["PATCH /api/notifications/subscriptions/{id}"] = new(changesSubscription, Body: _ => Json(new { url = "http://127.0.0.1:9/stolen" })),
            ["DELETE /api/notifications/subscriptions/{id}"] = new(changesSubscription),
            ["POST /api/notifications/subscriptions/{id}/secret"] = new(changesSubscription),
            ["POST /api/notifications/subscriptions/{id}/ping"] = new(changesSubscription),
            ["GET /api/notifications/subscriptions/{id}/deliveries"] = new(subscriptionOwner),
            ["GET /api/notifications/subscriptions/{id}/deliveries/{deliveryId}"] = new(subscriptionOwner),
            ["POST /api/notifications/subscriptions/{id}/deliveries/{deliveryId}/redeliver"] = new(changesSubscription),

            // Pricing: PAs are seen as their deals' partners are (the serving distributor included), claims by their distributor.
            ["GET /api/pricing/price-lists"] = new(staff),
            ["POST /api/pricing/price-lists"] = new(managers, Body: _ => new StringContent(
                "sku,product_family,list_price,distributor_cost,currency,effective_from\nMX-1,matrix,1.00,1.00,USD,2026-01-01\n", Encoding.UTF8, "text/csv")),
            ["GET /api/pricing/prices"] = new(anyone),
            ["GET /api/pricing/prices/{sku}"] = new(anyone),
            ["GET /api/pricing/authorizations"] = new(anyone),
            ["GET /api/pricing/authorizations/{id}"] = new(seesPartner),
            ["GET /api/pricing/deals/{id}"] = new(seesDeal),
            ["POST /api/pricing/authorizations/{id}/approve"] = new(managers),
            ["POST /api/pricing/authorizations/{id}/revoke"] = new(managers, Body: reason),
            ["POST /api/pricing/authorizations/{id}/special-bids"] = new((w, t) => w.IsPartner(t.Tenant) || w.IsDistributor(t.Tenant) ? null : w.Staff ? 403 : 404,
                Body: _ => Json(new { justification = "Matrix.", lines = new[] { new { lineNo = 1, requestedDiscountPercent = 60m } } })),
            ["POST /api/pricing/authorizations/{id}/special-bids/{bidId}/approve"] = new(managers),
            ["POST /api/pricing/authorizations/{id}/special-bids/{bidId}/counter"] = new(managers, Body: _ => Json(new { lines = new[] { new { lineNo = 1, netCost = 1m } } })),
            ["POST /api/pricing/authorizations/{id}/special-bids/{bidId}/reject"] = new(managers, Body: reason),
            ["POST /api/pricing/claims"] = new((w, _) => w.Role == Roles.Distributor && w.DistributorId is not null ? null : 403, Body: t => new StringContent(
                "claim_number,pa_number,invoice_number,invoice_date,reseller_id,end_customer_name,vendor_sku,quantity,book_cost,authorized_cost,claimed_amount\n" +
                $"MATRIX-{Guid.NewGuid():N},{t.PaNumber},INV-M,{DateTime.UtcNow:yyyy-MM-dd},{t.PartnerId},Matrix,SW-9300-48P,1,6200,5200,1000\n", Encoding.UTF8, "text/csv")),
            ["GET /api/pricing/claims"] = new((w, _) => w.Staff || w.Role == Roles.Distributor ? 200 : 403),
            ["GET /api/pricing/claims/{id}"] = new(distributorItself),
            ["GET /api/pricing/claims/{id}/lines"] = new(distributorItself),
            ["GET /api/pricing/claims/{id}/response.csv"] = new(distributorItself),
            ["POST /api/pricing/claims/{id}/lines/{lineNo}/dispute"] = new((w, t) => w.IsDistributor(t.Tenant) ? null : w.Staff ? 403 : 404,
                Body: _ => Json(new { comment = "Matrix." })),
            ["POST /api/pricing/claims/{id}/lines/{lineNo}/resolve"] = new(managers, Body: _ => Json(new { decision = "accept", comment = "Matrix." })),
            ["POST /api/pricing/claims/{id}/approve"] = new(managers),
            ["POST /api/pricing/claims/{id}/settle"] = new(managers),

            ["GET /api/reports/pricing"] = new(anyone),
            ["GET /api/reports/pipeline"] = new(anyone),
            ["GET /api/reports/pipeline/{view}"] = new(anyone, Views: PipelineViews),
            ["GET /api/reports/sell-through"] = new(anyone),
            ["GET /api/reports/sell-through/{view}"] = new(anyone, Views: SellThroughViews),
        };
        foreach (var service in TwoTenants.Services)
        {
            entries[$"POST /api/{service}/admin/replay"] = new(admins);
            entries[$"GET /api/{service}/admin/errors"] = new(admin);
            entries[$"POST /api/{service}/admin/errors/{{queue}}/requeue"] = new(admins);
            entries[$"GET /api/{service}/admin/outbox"] = new(admin);
            entries[$"GET /api/{service}/admin/outbox/dead-letters"] = new(admin);
            entries[$"GET /api/{service}/admin/outbox/dead-letters/{{id}}"] = new(adminMissing);
            entries[$"PUT /api/{service}/admin/outbox/dead-letters/{{id}}"] = new(admins, Body: _ => Json(new { messageType = "Channel.Nothing", body = new { } }));
            entries[$"DELETE /api/{service}/admin/outbox/dead-letters/{{id}}"] = new(admins);
            entries[$"POST /api/{service}/admin/outbox/dead-letters/{{id}}/requeue"] = new(admins);
        }
        entries.Remove("POST /api/reports/admin/replay"); // Reporting and Notifications publish nothing to replay
        entries.Remove("POST /api/compliance/admin/replay"); // Compliance's decisions are replayed as of a date instead
        // Compliance: evidence and what screening uses are for compliance officers (and admins), the attestation for anyone.
        Rule officer = (w, _) => w.Role == Roles.Admin ? 200 : 403;
        Rule officers = (w, _) => w.Role == Roles.Admin ? null : 403;
        entries["GET /api/compliance/attestation"] = new(anyone);
        entries["GET /api/compliance/queue"] = new(officer);
        entries["GET /api/compliance/rules"] = new(officer);
        entries["GET /api/compliance/lists/entries"] = new(officer);
        entries["GET /api/compliance/changes"] = new(officer);
        entries["GET /api/compliance/changes/{id}"] = new(adminMissing);
        entries["GET /api/compliance/changes/{id}/impact"] = new(adminMissing);
        entries["GET /api/compliance/decisions"] = new((w, _) => w.Role == Roles.Admin ? 400 : 403); // names no subject
        entries["GET /api/compliance/subjects/{kind}/{id}/screening"] = new(officer);
        foreach (var write in new[] { "POST /api/compliance/rules", "PUT /api/compliance/rules/{id}", "POST /api/compliance/rules/{id}/retire",
                     "POST /api/compliance/lists/imports", "POST /api/compliance/lists/entries", "POST /api/compliance/lists/entries/{key}/remove",
                     "POST /api/compliance/screenings", "POST /api/compliance/queue/{kind}/{id}/clear", "POST /api/compliance/queue/{kind}/{id}/confirm" })
            entries[write] = new(officers);
        entries.Remove("POST /api/notifications/admin/replay");
        entries.Remove("POST /api/identity/admin/replay"); // Identity's accounts follow the partners' and distributors' replays
        // Accounts are the vendor's business: channel managers read them, admins act on them. A token naming no account has no "me".
        Rule readsAccounts = (w, _) => w.Manager ? 200 : 403;
        Rule actsOnAccount = (w, _) => w.Role == Roles.Admin ? 404 : 403; // the ids here name no account
        entries["GET /api/identity/accounts"] = new(readsAccounts);
        entries["GET /api/identity/accounts/{id}"] = new((w, _) => w.Manager ? 404 : 403);
        entries["GET /api/identity/me"] = new((_, _) => 404);
        entries["POST /api/identity/accounts"] = new(admins, Body: _ => Json(new { email = $"matrix-{Guid.NewGuid():N}@vendor.example", name = "Matrix", role = "leadership" }));
        foreach (var action in new[] { "send-reset", "unlock", "disable", "enable", "revoke-sessions" })
            entries[$"POST /api/identity/accounts/{{id}}/{action}"] = new(actsOnAccount);
        entries["POST /api/identity/password-resets"] = new((_, _) => null, Anonymous: true); // the feature tests and the hostile run cover it
        entries["GET /api/identity/audit"] = new(admin);
        entries["GET /api/identity/admin/keys"] = new(admin);
        entries["POST /api/identity/admin/keys/rotate"] = new(admins, Body: _ => Json(new { revokeOthers = false }));
        entries["GET /api/notifications/admin/mails"] = new(admin);
        entries["POST /api/notifications/admin/mails/{id}/resend"] = new(adminMissing);
        return entries;
    }

    static HttpContent JsonContent(string json) => new StringContent(json, Encoding.UTF8, "application/json");

    /// <summary>A concrete call of an endpoint: its ids all of one tenant (or of none).</summary>
    sealed record Target(string Path, Tenant? Tenant, Func<HttpContent>? Content);

    IEnumerable<Target> Targets(Endpoint endpoint, Entry entry)
    {
        var template = endpoint.Template;
        var tenants = template.Contains("{id}") || template.Contains("{deliveryId}") || template.Contains("{partnerId}") || template.Contains("{reportId}") || entry.Body is not null
            ? new Tenant?[] { system.A, system.B }
            : [null];
        if (template.Contains("/admin/")) tenants = [null];
        foreach (var tenant in tenants)
            foreach (var view in entry.Views ?? [""])
            {
                var id = template.Contains("/dead-letters/") ? "1" : template.Contains("/admin/mails/") ? "999999999" : endpoint.Service switch
                {
                    "partners" => tenant?.PartnerId.ToString(),
                    "distributors" => tenant?.DistributorId.ToString(),
                    "notifications" => tenant?.SubscriptionId.ToString(),
                    "pricing" => (template.Contains("/claims/") ? tenant?.ClaimId : template.Contains("/deals/") ? tenant?.PricedDealId : tenant?.AuthorizationId).ToString(),
                    _ => tenant?.DealId.ToString(),
                };
                var path = template
                    .Replace("{id}", id)
                    .Replace("{partnerId}", tenant?.PartnerId.ToString())
                    .Replace("{reportId}", tenant?.ReportId.ToString())
                    .Replace("{userId}", (endpoint.Service == "partners" ? tenant?.PartnerUserId : tenant?.DistributorUserId).ToString())
                    .Replace("{deliveryId}", tenant?.DeliveryId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Replace("{queue}", "nothing")
                    .Replace("{lineNo}", "1")
                    .Replace("{bidId}", "00000000-0000-7000-8000-000000000001")
                    .Replace("{sku}", "SW-9300-48P")
                    .Replace("{view}", view)
                    .Replace("{kind}", "deal")
                    .Replace("{key}", "matrix-entry");
                Func<HttpContent>? content = entry.Body is { } body ? () => body(tenant ?? system.A) : null;
                yield return new Target(path, tenant, content);
                if (endpoint.Method != "GET") continue;
                // A list narrowed to a tenant's partner or distributor: the scope holds whatever the caller asks for.
                foreach (var other in new[] { system.A, system.B })
                {
                    if (endpoint.QueryParameters.Contains("partnerId")) yield return new Target($"{path}?partnerId={other.PartnerId}", tenant, null);
                    if (endpoint.QueryParameters.Contains("distributorId")) yield return new Target($"{path}?distributorId={other.DistributorId}", tenant, null);
                }
                if (endpoint.QueryParameters.Contains("format")) yield return new Target($"{path}?format=csv", tenant, null);
            }
    }

    static int? Expected(Entry entry, Who who, Target target) => entry.Anonymous ? null : who.Refused ?? entry.Rule(who, target);

    // ---- the callers ----

    /// <summary>
    /// A caller: its token, and what it may not see. <see cref="Refused"/> is the answer every
    /// endpoint must give a token that is no good (401), or one whose role is none of ours (403).
    /// </summary>
    sealed record Who(string Name, string? Token, string? Role, Guid? PartnerId, Guid? DistributorId, string[] MayNotSee, int? Refused = null)
    {
        public bool Staff => Refused is null && Role is Roles.ChannelManager or Roles.Admin or Roles.Leadership;
        public bool Manager => Refused is null && Role is Roles.ChannelManager or Roles.Admin;
        public bool IsPartner(Tenant? t) => Refused is null && t is not null && Role == Roles.Partner && PartnerId == t.PartnerId;
        public bool IsDistributor(Tenant? t) => Refused is null && t is not null && Role == Roles.Distributor && DistributorId == t.DistributorId;
    }

    static Who[] Callers(Tenant a, Tenant b)
    {
        string[] all = [.. a.Everything, .. b.Everything];
        string[] PartnerMayNotSee(Tenant own, Tenant other) => [.. other.Everything, .. own.HiddenFromItsPartner];
        string[] DistributorMayNotSee(Tenant own, Tenant other) => [.. other.Everything, .. own.HiddenFromItsDistributor];
        var key = TestEnvironment.SigningKey;
        return
        [
            new("partner P1", Tokens.For(Roles.Partner, a.PartnerId), Roles.Partner, a.PartnerId, null, PartnerMayNotSee(a, b)),
            new("partner P2", Tokens.For(Roles.Partner, b.PartnerId), Roles.Partner, b.PartnerId, null, PartnerMayNotSee(b, a)),
            new("distributor D1", Tokens.For(Roles.Distributor, distributorId: a.DistributorId), Roles.Distributor, null, a.DistributorId, DistributorMayNotSee(a, b)),
            new("distributor D2", Tokens.For(Roles.Distributor, distributorId: b.DistributorId), Roles.Distributor, null, b.DistributorId, DistributorMayNotSee(b, a)),
            // Ids count only on their own role's token: D2's token naming P1 is D2, P1's naming D2 is P1.
            new("distributor D2 claiming P1", Tokens.For(Roles.Distributor, a.PartnerId, b.DistributorId), Roles.Distributor, null, b.DistributorId, DistributorMayNotSee(b, a)),
            new("partner P1 claiming D2", Tokens.For(Roles.Partner, a.PartnerId, b.DistributorId), Roles.Partner, a.PartnerId, null, PartnerMayNotSee(a, b)),
            new("partner without id", Tokens.For(Roles.Partner), Roles.Partner, null, null, all),
            new("distributor without id", Tokens.For(Roles.Distributor), Roles.Distributor, null, null, all),
            new("leadership", Tokens.For(Roles.Leadership), Roles.Leadership, null, null, []),
            new("channel manager", Tokens.For(Roles.ChannelManager), Roles.ChannelManager, null, null, []),
            new("admin", Tokens.For(Roles.Admin), Roles.Admin, null, null, []),
            new("no token", null, null, null, null, all, 401),
            new("expired", Token(key, [Roles.Admin], expires: DateTime.UtcNow.AddHours(-1)), null, null, null, all, 401),
            new("wrong key", Token(RandomNumberGenerator.GetBytes(32), [Roles.Admin]), null, null, null, all, 401),
            new("wrong audience", Token(key, [Roles.Admin], audience: "someone-else"), null, null, null, all, 401),
            new("alg none", Unsigned(Roles.Admin), null, null, null, all, 401),
            new("several roles", Token(key, [Roles.Partner, Roles.Admin], partnerId: a.PartnerId), null, null, null, all, 401),
            new("unknown role", Token(key, ["root"]), null, null, null, all, 403),
        ];
    }

    static string Token(byte[] key, string[] roles, DateTime? expires = null, string audience = AuthSetup.Audience, Guid? partnerId = null)
    {
        var claims = new List<Claim> { new("sub", "matrix") };
        claims.AddRange(roles.Select(r => new Claim("role", r)));
        if (partnerId is { } p) claims.Add(new Claim("partner_id", p.ToString()));
        var end = expires ?? DateTime.UtcNow.AddMinutes(30);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AuthSetup.Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = end.AddHours(-2),
            IssuedAt = end.AddHours(-2),
            Expires = end,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A token that says it needs no signature (<c>alg: none</c>).</summary>
    static string Unsigned(string role)
    {
        static string Part(object o) => Base64UrlEncoder.Encode(JsonSerializer.Serialize(o));
        var exp = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds();
        return $"{Part(new { alg = "none", typ = "JWT" })}.{Part(new { sub = "matrix", role, iss = AuthSetup.Issuer, aud = AuthSetup.Audience, exp })}.";
    }

    /// <summary>A caller's client, at the gateway (as a client address of its own) or directly at a service.</summary>
    HttpClient ClientFor(Who who, string? service, int index)
    {
        var client = new HttpClient { BaseAddress = new Uri(service is null ? system.Gateway.Address : system.AddressOf(service)), Timeout = TimeSpan.FromSeconds(60) };
        if (service is null) client.DefaultRequestHeaders.Add("X-Forwarded-For", $"198.18.0.{index + 1}");
        if (who.Token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", who.Token);
        return client;
    }

    sealed record Case(Endpoint Endpoint, Target Target, Who Who, int Status, string Route);

    /// <summary>What everything looks like to an admin: a refused write must leave all of it as it was.</summary>
    async Task<Dictionary<string, string>> Snapshot()
    {
        using var admin = system.Client(Roles.Admin);
        var urls = new List<string> { "/api/partners?pageSize=500", "/api/distributors", "/api/distributors/reports", "/api/deals?pageSize=500",
            "/api/pricing/authorizations?pageSize=500", "/api/pricing/claims?pageSize=500", "/api/pricing/price-lists" };
        foreach (var t in new[] { system.A, system.B })
            urls.AddRange([
                $"/api/partners/{t.PartnerId}", $"/api/partners/{t.PartnerId}/history", $"/api/partners/{t.PartnerId}/users",
                $"/api/distributors/{t.DistributorId}", $"/api/distributors/{t.DistributorId}/users", $"/api/distributors/{t.DistributorId}/resellers",
                $"/api/distributors/{t.DistributorId}/reports", $"/api/deals/{t.DealId}",
                $"/api/pricing/authorizations/{t.AuthorizationId}", $"/api/pricing/claims/{t.ClaimId}", $"/api/pricing/claims/{t.ClaimId}/lines",
            ]);
        var snapshot = new Dictionary<string, string>();
        foreach (var url in urls) snapshot[url] = await admin.GetStringAsync(url);
        // Webhook subscriptions only their owners see: what a refused write could change is read from the service's own tables
        // (not the failure counts, which the ping to a closed port keeps raising).
        snapshot["notifications: subscriptions"] = await system.NotificationsDb.Scalar<string>(
            "select coalesce(string_agg(id || ' ' || url || ' ' || array_to_string(kinds, ',') || ' ' || description || ' ' || secret, E'\\n' order by id), '') from subscriptions");
        snapshot["notifications: deliveries"] = await system.NotificationsDb.Scalar<string>(
            "select count(*) || ' deliveries' from deliveries");
        return snapshot;
    }

    static string Short(string body) => body.Length > 300 ? body[..300] + "…" : body;
}
