using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Channel.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Channel.EndToEnd.Tests;

/// <summary>
/// A small channel made through the API: two partners whose registrations conflict, and a
/// distributor serving one of them. The dashboard is then used in a real headless Chromium.
/// </summary>
public sealed class DashboardChannel : IAsyncLifetime
{
    public RunningSystem System { get; } = new();
    public Guid Big { get; private set; }      // 120,000 of pipeline: the demo partner
    public Guid Small { get; private set; }    // 45,000, served by the distributor
    public Guid BigDeal { get; private set; }
    public Guid SmallDeal { get; private set; }
    /// <summary>Bellwether Point Networks (gold), its approved deal's price authorization, and Southsound Supply serving it.</summary>
    public Guid Priced { get; private set; }
    public string PaNumber { get; private set; } = "";
    public Dashboard Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await System.InitializeAsync();
        var manager = System.Client("channel-manager");
        Big = await Partner(manager, "Evergreen Networks");
        Small = await Partner(manager, "Cascade Voice & Data");
        var distributor = (await (await manager.PostAsJsonAsync("/api/distributors", new { name = "Northwest Distribution", countries = new[] { "US" }, regions = new[] { "WA", "OR" } }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Eventually.True(async () => (await manager.PostAsJsonAsync($"/api/distributors/{distributor}/authorizations", new { partnerId = Small, regions = new[] { "WA" } })).IsSuccessStatusCode);
        BigDeal = await Register(Big, "Rainier Health System", 120_000m);
        SmallDeal = await Register(Small, "Rainier Health System Inc.", 45_000m); // conflicts with the other
        await Eventually.True(async () => (await System.Client("leadership").GetFromJsonAsync<JsonElement>("/api/reports/pipeline")).GetProperty("totals").GetProperty("deals").GetInt64() == 2);

        // The people who sign in: demo accounts, as ./channel up --demo makes them (a partner's and a distributor's user come from their services).
        var pat = $"pat@{domains[Big]}";
        var dana = $"dana-{Guid.NewGuid():N}"[..13] + "@northwest.example";
        (await manager.PostAsJsonAsync($"/api/partners/{Big}/users", new { name = "Pat Evergreen", email = pat, role = "sales" })).EnsureSuccessStatusCode();
        var added = await manager.PostAsJsonAsync($"/api/distributors/{distributor}/users", new { name = "Dana Northwest", email = dana, role = "sales" });
        Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());

        // Special pricing: a price book, a partner whose approved deal earns a PA, a distributor that sold two units of it.
        (await manager.PostAsync("/api/pricing/price-lists?name=e2e", new StringContent(
            "sku,product_family,list_price,distributor_cost,currency,effective_from\nSW-9300-48P,switching,10000.00,6200.00,USD,2026-01-01\n",
            Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
        Priced = await Partner(manager, "Bellwether Point Networks");
        var southsound = (await (await manager.PostAsJsonAsync("/api/distributors", new { name = "Southsound Supply", countries = new[] { "US" }, regions = new[] { "WA" } }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Eventually.True(async () => (await manager.PostAsJsonAsync($"/api/distributors/{southsound}/authorizations", new { partnerId = Priced, regions = new[] { "WA" } })).IsSuccessStatusCode);
        var pricedDeal = await Register(Priced, "Puget Sound Ferries", 60_000m);
        (await manager.PostAsync($"/api/deals/{pricedDeal}/approve", null)).EnsureSuccessStatusCode();
        await Eventually.True(async () =>
        {
            var found = await manager.GetFromJsonAsync<JsonElement>($"/api/pricing/authorizations?dealId={pricedDeal}");
            if (found.GetProperty("total").GetInt32() == 0) return false;
            PaNumber = found.GetProperty("items")[0].GetProperty("number").GetString()!;
            return true;
        });
        // Won at once (its PA stays valid): the pipeline's open figures, which the tests above read, stay the two deals'.
        (await System.Client("partner", Priced).PostAsJsonAsync($"/api/deals/{pricedDeal}/won", new { actualAmount = 60_000m })).EnsureSuccessStatusCode();
        await Eventually.True(async () => (await System.Client("leadership").GetFromJsonAsync<JsonElement>("/api/reports/pipeline")).GetProperty("totals").GetProperty("deals").GetInt64() == 3);
        (await System.Client("distributor", distributorId: southsound).PostAsync($"/api/distributors/{southsound}/reports", new StringContent(
            "report_number,period_start,period_end,invoice_number,invoice_date,transaction_type,reseller_id,end_customer_name,end_customer_country,vendor_sku,quantity,unit_price,extended_amount,currency\n" +
            $"SS-1,{DateTime.UtcNow:yyyy-MM-01},{DateTime.UtcNow:yyyy-MM-dd},INV-PS-1,{DateTime.UtcNow:yyyy-MM-dd},sale,{Priced},Puget Sound Ferry Terminals,US,SW-9300-48P,2,5200.00,10400.00,USD\n",
            Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
        var quinn = $"quinn@{domains[Priced]}";
        var robin = $"robin-{Guid.NewGuid():N}"[..14] + "@southsound.example";
        (await manager.PostAsJsonAsync($"/api/partners/{Priced}/users", new { name = "Quinn Bellwether", email = quinn, role = "sales" })).EnsureSuccessStatusCode();
        (await manager.PostAsJsonAsync($"/api/distributors/{southsound}/users", new { name = "Robin Southsound", email = robin, role = "sales" })).EnsureSuccessStatusCode();
        // Compliance: an application screened clear, then a list import whose entry has its name as an alternate name holds it.
        var held = await System.Client().PostAsJsonAsync("/api/partners/applications", new
        {
            legalName = "Cobalt Harbour Networks LLC",
            country = "US",
            region = "WA",
            websiteDomain = "cobalt-harbour.example",
            partnerType = "reseller",
            primaryContact = new { name = "Kim Cole", email = "kim@cobalt-harbour.example" },
            agreementVersion = "2026-01",
        });
        Held = (await held.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Eventually.True(async () => (await manager.GetFromJsonAsync<JsonElement>($"/api/partners/{Held}")).GetProperty("screening").GetString() == "clear");
        (await System.Client("compliance-officer").PostAsync("/api/compliance/lists/imports?name=e2e-list", new StringContent(
            "_id,source,name,alt_names,ids\ne2e-1,Entity List (EL) - Bureau of Industry and Security,Cobalt Harbor Trading FZE,Cobalt Harbour Networks,\n",
            Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
        await Eventually.True(async () => (await manager.GetFromJsonAsync<JsonElement>($"/api/partners/{Held}")).GetProperty("status").GetString() == "on_hold");
        await System.MakeDemoAccounts(
            ($"riley-{Guid.NewGuid():N}"[..14] + "@vendor.example", "Riley Officer", "compliance-officer", "Riley (compliance officer)"),
            ($"morgan-{Guid.NewGuid():N}"[..15] + "@vendor.example", "Morgan Manager", "channel-manager", "Morgan (channel manager)"),
            ($"lee-{Guid.NewGuid():N}"[..12] + "@vendor.example", "Lee Leader", "leadership", "Lee (sales leadership)"),
            (pat, null, null, "Pat at Evergreen Networks"),
            (dana, null, null, "Dana at Northwest Distribution"),
            (quinn, null, null, "Quinn at Bellwether Point Networks"),
            (robin, null, null, "Robin at Southsound Supply"));

        Browser = await Dashboard.Open(System);
    }

    async Task<Guid> Partner(HttpClient manager, string name)
    {
        var domain = $"{Guid.NewGuid():N}"[..10] + ".example";
        var id = await Apply(manager, name, domain);
        domains[id] = domain;
        return id;
    }

    readonly Dictionary<Guid, string> domains = [];

    /// <summary>An application the Compliance service holds: its name is a listed party's alternate name.</summary>
    public Guid Held { get; private set; }

    /// <summary>The partner's own web domain (its users' addresses are on it).</summary>
    public string DomainOf(Guid partner) => domains[partner];

    async Task<Guid> Apply(HttpClient manager, string name, string domain)
    {
        var applied = await System.Client().PostAsJsonAsync("/api/partners/applications", new
        {
            legalName = name,
            country = "US",
            region = "WA",
            websiteDomain = domain,
            partnerType = "var",
            primaryContact = new { name = "Sam Lee", email = $"sam@{domain}" },
            agreementVersion = "2026-01",
        });
        var id = (await applied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await manager.PostAsJsonAsync($"/api/partners/{id}/approve", new { tier = "gold" })).EnsureSuccessStatusCode();
        return id;
    }

    async Task<Guid> Register(Guid partner, string customer, decimal value)
    {
        HttpResponseMessage response = null!;
        await Eventually.True(async () => (response = await System.Client("partner", partner).PostAsJsonAsync("/api/deals", new
        {
            customer = new { legalName = customer, country = "US", region = "WA", sector = "healthcare" },
            products = new[] { new { sku = "SW-9300-48P", quantity = 10, amount = value } },
            totalValue = value,
            currency = "USD",
            expectedClose = DateTime.UtcNow.AddDays(50).ToString("yyyy-MM-dd"),
        })).IsSuccessStatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        // Screened by the Compliance service before anyone may approve it.
        Assert.Equal("clear", await System.Screened(id));
        return id;
    }

    public Task<Microsoft.Playwright.IPage> SignIn(string who, int width = 1280) => Browser.SignIn(who, width);

    public Task Screenshot(Microsoft.Playwright.IPage page, string name) => Browser.Screenshot(page, name);

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        await System.DisposeAsync();
    }
}

public sealed class UsingTheDashboard(DashboardChannel channel) : IClassFixture<DashboardChannel>
{
    [Fact]
    public async Task Leadership_sees_the_whole_pipeline_with_its_charts()
    {
        var page = await channel.SignIn("Lee");
        await page.GotoAsync(channel.System.Gateway.Address + "/#/pipeline");

        await Expect(page.GetByTestId("deals")).ToHaveTextAsync("3");
        await Expect(page.GetByTestId("open-value")).ToHaveTextAsync("$165,000");
        // The funnel shows each stage as the API has it now (another test in this class may have approved one of the two:
        // tests in a class run one at a time, in no set order).
        var stages = (await channel.System.Client("leadership").GetFromJsonAsync<JsonElement>("/api/reports/pipeline")).GetProperty("byStage").EnumerateArray()
            .Select(r => $"{r.GetProperty("key").GetString() switch { "approved" => "Approved", "submitted" => "Submitted", "won" => "Won", var other => other }} "
                + r.GetProperty("value").GetDecimal().ToString("$#,0", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(stages);
        await page.ReloadAsync();
        foreach (var stage in stages)
            await Expect(page.Locator("#funnel svg")).ToHaveAttributeAsync("aria-label", new Regex(System.Text.RegularExpressions.Regex.Escape(stage)));
        await Expect(page.Locator("#by-region svg text", new PageLocatorOptions { HasText = "WA" })).ToBeVisibleAsync();
        await channel.Screenshot(page, "pipeline-leadership");
    }

    [Fact]
    public async Task Leadership_drills_from_a_chart_to_the_deals_behind_it_and_reads_the_partner_leaderboard()
    {
        var page = await channel.SignIn("Lee");
        // The won bar of the funnel leads to the won deals (Bellwether's, won at setup), filtered as the chart was.
        await page.Locator("#funnel a.bar-link", new PageLocatorOptions { HasText = "Won" }).ClickAsync();
        await Expect(page.Locator("main[data-page=deals]")).ToBeVisibleAsync();
        await Expect(page.Locator("#filters [name='status']")).ToHaveValueAsync("won");
        var rows = page.GetByTestId("deal-list").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("Puget Sound Ferries");

        // The leaderboard ranks partners by what they won, with their registered value leading to their deals.
        await page.GotoAsync(channel.System.Gateway.Address + "/#/pipeline");
        var board = page.Locator("section", new PageLocatorOptions { HasText = "Partner leaderboard" });
        await Expect(board.Locator("tbody tr").First).ToContainTextAsync("Bellwether Point Networks");
        await Expect(board.Locator("tbody tr").First).ToContainTextAsync("$60,000");
        await board.Locator("tbody tr", new LocatorLocatorOptions { HasText = "Evergreen Networks" }).GetByRole(AriaRole.Link, new() { Name = "$120,000" }).ClickAsync();
        await Expect(page.GetByTestId("deal-filter")).ToContainTextAsync("one partner");
        await Expect(page.GetByTestId("deal-list").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("deal-list")).ToContainTextAsync("Rainier Health System");

        // The trend's axis is at round values (d3-scale's nice ticks: a step of 1, 2 or 5 × 10^k, the top tick at or above the largest value),
        // and each point leads to the deals expected to close in its month: the won point to the one won deal, the other to all three.
        await page.GotoAsync(channel.System.Gateway.Address + "/#/pipeline");
        await Expect(page.Locator("main[data-page=pipeline]:not([aria-busy]) #trend text.tick").First).ToBeAttachedAsync(); // drawn, not the page before
        var ticks = (await page.Locator("#trend text.tick").EvaluateAllAsync<string[]>("ts => ts.map(t => t.dataset.tick)")).Select(decimal.Parse).ToList();
        Assert.True(ticks.Count >= 3, string.Join(", ", ticks));
        var step = ticks[1] - ticks[0];
        var scale = (decimal)Math.Pow(10, Math.Floor(Math.Log10((double)step)));
        Assert.Contains(step / scale, new[] { 1m, 2m, 5m });
        Assert.All(ticks, t => Assert.Equal(0m, t % step));
        Assert.True(ticks[^1] >= 165_000m, string.Join(", ", ticks));
        var month = DateTime.UtcNow.AddDays(50).ToString("yyyy-MM");
        await page.Locator($"#trend a.point-link[aria-label^='Won {month}']").ClickAsync();
        await Expect(page.GetByTestId("deal-filter")).ToContainTextAsync($"expected to close from {month}-01");
        await Expect(page.Locator("#filters [name='status']")).ToHaveValueAsync("won");
        await Expect(page.GetByTestId("deal-list").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("deal-list")).ToContainTextAsync("Puget Sound Ferries");
        await page.GoBackAsync();
        await page.Locator($"#trend a.point-link[aria-label^='All deals {month}']").ClickAsync();
        await Expect(page.GetByTestId("deal-list").Locator("tbody tr")).ToHaveCountAsync(3);

        // The tier bar leads to the deals of that tier's partners (every partner here is gold); the ageing bar to the open deals of that age.
        await page.GotoAsync(channel.System.Gateway.Address + "/#/pipeline");
        await page.Locator("#by-tier a.bar-link", new() { HasTextRegex = new Regex("gold", RegexOptions.IgnoreCase) }).ClickAsync();
        await Expect(page.GetByTestId("deal-filter")).ToContainTextAsync("of gold partners");
        await Expect(page.GetByTestId("deal-list").Locator("tbody tr")).ToHaveCountAsync(3);
        await page.GotoAsync(channel.System.Gateway.Address + "/#/pipeline");
        var ageing = await page.Locator("#ageing svg").GetAttributeAsync("aria-label");
        var young = int.Parse(Regex.Match(ageing!, @"0-30 days (\d+) deal").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(young >= 1, ageing);
        await page.Locator("#ageing a.bar-link", new() { HasText = "0-30 days" }).ClickAsync();
        await Expect(page.GetByTestId("deal-filter")).ToContainTextAsync("the open deals");
        await Expect(page.GetByTestId("deal-list").Locator("tbody tr")).ToHaveCountAsync(young);

        // A period compares itself with the one before it: every deal closes in the month 50 days out, none in the month after.
        var after = DateTime.UtcNow.AddDays(50).AddMonths(1).ToString("yyyy-MM");
        await page.GotoAsync(channel.System.Gateway.Address + $"/#/pipeline?from={after}&to={after}");
        await Expect(page.GetByTestId("deals")).ToHaveTextAsync("0");
        await Expect(page.Locator(".kpi .delta").First).ToHaveTextAsync("-100% on the period before");
        await channel.Screenshot(page, "pipeline-drill-down");
    }

    [Fact]
    public async Task A_manager_approves_from_the_queue_with_the_conflict_in_view_and_the_pipeline_follows()
    {
        var page = await channel.SignIn("Morgan");
        await Expect(page.Locator("main[data-page=queue]")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-deal='{channel.BigDeal}']")).ToBeVisibleAsync();
        await channel.Screenshot(page, "queue");
        // Searched by a partner's name, the queue keeps that partner's registration only.
        await page.Locator("#filters [name='q']").FillAsync("Cascade");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page.GetByTestId("queue").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator($"tr[data-deal='{channel.SmallDeal}']")).ToBeVisibleAsync();
        await page.GotoAsync(channel.System.Gateway.Address + "/#/queue");

        await page.Locator($"[data-open='{channel.BigDeal}']").ClickAsync();
        await Expect(page.GetByTestId("conflicts")).ToContainTextAsync("customer name");
        // The conflicting registration by its customer and partner, each a link (not a cut-off id).
        var other = page.GetByTestId("conflicts").Locator("tbody tr").First;
        await Expect(other.GetByRole(AriaRole.Link, new() { Name = "Rainier Health System Inc." })).ToHaveAttributeAsync("href", $"#/deal?id={channel.SmallDeal}");
        await Expect(other.GetByRole(AriaRole.Link, new() { Name = "Cascade Voice & Data" })).ToHaveAttributeAsync("href", $"#/partner?id={channel.Small}");
        await channel.Screenshot(page, "queue-review");
        await page.Locator("[data-decide=approve]").ClickAsync();
        await Expect(page.Locator("#toast")).ToContainTextAsync("Approve");
        await Expect(page.Locator($"tr[data-deal='{channel.BigDeal}']")).ToHaveCountAsync(0);

        // The approval travels to the Reporting service as an event; the pipeline page shows it.
        await Eventually.True(async () =>
        {
            await page.GotoAsync(channel.System.Gateway.Address + "/#/pipeline");
            await page.ReloadAsync();
            await Expect(page.GetByTestId("deals")).ToHaveTextAsync("3");
            return (await page.Locator("#funnel svg").GetAttributeAsync("aria-label"))!.Contains("Approved $120,000");
        });
        await channel.Screenshot(page, "pipeline-after-approval");
        await page.GotoAsync(channel.System.Gateway.Address + "/#/applications");
        await Expect(page.Locator("main[data-page=applications]")).ToBeVisibleAsync();
        await channel.Screenshot(page, "applications");
    }

    [Fact]
    public async Task A_compliance_officer_sees_the_held_application_with_its_evidence_and_clears_it_while_the_manager_sees_only_that_it_is_held()
    {
        var morgan = await channel.SignIn("Morgan");
        await morgan.GotoAsync(channel.System.Gateway.Address + "/#/applications");
        var row = morgan.Locator($"tr[data-partner='{channel.Held}']");
        await Expect(row.GetByTestId("compliance-hold")).ToBeVisibleAsync();
        await Expect(row).Not.ToContainTextAsync("Cobalt Harbor Trading FZE");
        await Expect(row.Locator("[data-act=clear-hold]")).ToHaveCountAsync(0);
        await Expect(morgan.Locator("nav a", new PageLocatorOptions { HasText = "Compliance" })).ToHaveCountAsync(0);

        var riley = await channel.SignIn("Riley");
        await Expect(riley.Locator("main[data-page=compliance]")).ToBeVisibleAsync();
        var item = riley.GetByTestId("compliance-queue").Locator($"tr[data-id='{channel.Held}']");
        await Expect(item).ToContainTextAsync("Cobalt Harbor Trading FZE");
        await Expect(item).ToContainTextAsync("Cobalt Harbour Networks");
        await Expect(item).ToContainTextAsync("score");
        Assert.Empty(await Dashboard.Accessibility(riley));
        await channel.Screenshot(riley, "compliance-queue");
        await item.Locator("[data-reason]").FillAsync("A different company: US-registered, checked against the entry's addresses.");
        await item.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
        await Expect(riley.Locator("#toast")).ToContainTextAsync("Cleared");
        await Expect(riley.GetByTestId("compliance-queue").Locator($"tr[data-id='{channel.Held}']")).ToHaveCountAsync(0);

        // The officer's decision reaches the Partners service: back in review, for the manager to decide.
        await Eventually.True(async () =>
            (await channel.System.Client("channel-manager").GetFromJsonAsync<JsonElement>($"/api/partners/{channel.Held}")).GetProperty("status").GetString() == "applied");
        await riley.GotoAsync(channel.System.Gateway.Address + "/#/compliance-change?id=" +
            (await channel.System.Client("compliance-officer").GetFromJsonAsync<JsonElement>("/api/compliance/changes?pageSize=1")).GetProperty("items")[0].GetProperty("id").GetString());
        await Expect(riley.GetByTestId("impact")).ToContainTextAsync("Cobalt Harbour Networks LLC");
        // The queue is not a manager's page, even by its address.
        await morgan.GotoAsync(channel.System.Gateway.Address + "/#/compliance");
        await Expect(morgan.Locator("main[data-page=queue]:not([aria-busy])")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_partner_sees_only_its_own_deals_and_figures()
    {
        var page = await channel.SignIn("Pat at Evergreen");
        await Expect(page.GetByTestId("deals")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("open-value")).ToHaveTextAsync("$120,000");
        await Expect(page.Locator("nav a", new PageLocatorOptions { HasText = "Deal queue" })).ToHaveCountAsync(0);

        await page.GotoAsync(channel.System.Gateway.Address + "/#/deals");
        await Expect(page.GetByTestId("deal-list").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("deal-list")).ToContainTextAsync("Rainier Health System");
        await Expect(page.GetByTestId("deal-list")).Not.ToContainTextAsync("Inc.");
        await channel.Screenshot(page, "partner-deals");

        // The queue is not a partner's page, even by its address.
        await page.GotoAsync(channel.System.Gateway.Address + "/#/queue");
        await Expect(page.Locator("main[data-page=pipeline]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_distributor_sees_the_resellers_it_serves()
    {
        var page = await channel.SignIn("Dana");
        await Expect(page.GetByTestId("deals")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("open-value")).ToHaveTextAsync("$45,000");
        await channel.Screenshot(page, "pipeline-distributor");
    }

    [Fact]
    public async Task Signed_in_the_page_holds_no_token_and_signing_out_ends_the_session_for_a_copy_of_its_cookie_too()
    {
        var page = await channel.SignIn("Lee");
        await Expect(page.GetByTestId("deals")).ToHaveTextAsync("3");

        // Nothing a script on the page could read or send elsewhere: no storage, and the session cookie is HttpOnly.
        Assert.Equal("{}|{}", await page.EvaluateAsync<string>("JSON.stringify({ ...sessionStorage }) + '|' + JSON.stringify({ ...localStorage })"));
        Assert.DoesNotContain("channel.session", await page.EvaluateAsync<string>("document.cookie"));
        var cookies = await page.Context.CookiesAsync();
        var session = Assert.Single(cookies, c => c.Name == "channel.session");
        Assert.True(session.HttpOnly && session.Secure && session.SameSite == SameSiteAttribute.Lax, $"{session.HttpOnly} {session.Secure} {session.SameSite}");
        var resources = await page.EvaluateAsync<string[]>("performance.getEntriesByType('resource').map(e => e.name)");
        Assert.Contains(resources, r => r.Contains("/api/reports/pipeline"));

        // Someone copies the cookies; the person signs out.
        var thief = await channel.Browser.NewContextAsync();
        await thief.AddCookiesAsync(cookies.Select(c => new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, Secure = c.Secure, HttpOnly = c.HttpOnly }));
        var stolen = await thief.NewPageAsync();
        await stolen.GotoAsync(channel.System.Gateway.Address + "/#/pipeline");
        await Expect(stolen.GetByTestId("deals")).ToHaveTextAsync("3");

        await page.Locator("#sign-out").ClickAsync();
        await Expect(page.Locator("main[data-page=sign-in]")).ToBeVisibleAsync();
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "channel.session");
        await stolen.ReloadAsync();
        await Expect(stolen.Locator("main[data-page=sign-in]")).ToBeVisibleAsync();
        // And signing in again asks for the password: the provider's session ended too.
        await page.Locator("#sign-in").ClickAsync();
        await Expect(page.Locator("input#password")).ToBeVisibleAsync();
        await thief.DisposeAsync();
    }

    [Fact]
    public async Task A_partner_user_invited_through_the_API_chooses_a_password_from_the_mail_and_signs_in_to_its_partners_figures()
    {
        var email = $"new-{Guid.NewGuid():N}"[..12] + $"@{channel.DomainOf(channel.Small)}";
        var manager = channel.System.Client("channel-manager");
        (await manager.PostAsJsonAsync($"/api/partners/{channel.Small}/users", new { name = "Noor Haddad", email, role = "sales" })).EnsureSuccessStatusCode();

        // The invitation, as the person receives it, caught by smtp4dev.
        using var mailbox = new Channel.Testing.Smtp4dev();
        var invitation = Assert.Single(await mailbox.WaitFor(1, email));
        var link = System.Text.RegularExpressions.Regex.Match(invitation.Text, @"http://127\.0\.0\.1:\d+/identity/account/set-password\?ticket=\S+").Value;
        Assert.NotEmpty(link);

        var context = await channel.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        const string Password = "cedar kettle harbour 77";
        await page.Locator("#password").FillAsync(Password);
        await page.Locator("#confirm").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Save the password" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Password saved");

        // On to the dashboard from that page: signed in at the provider already, the sign-in goes straight through.
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Open the dashboard" }).ClickAsync();
        await page.Locator("#sign-in").ClickAsync();
        await Expect(page.Locator("main[data-page=pipeline]:not([aria-busy])")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("open-value")).ToHaveTextAsync("$45,000");
        await context.DisposeAsync();

        // Another day, in another browser: the address and the new password (not a demo account).
        context = await channel.Browser.NewContextAsync();
        page = await context.NewPageAsync();
        await page.GotoAsync(channel.System.Gateway.Address + "/");
        await page.Locator("#sign-in").ClickAsync();
        await page.Locator("input#email").FillAsync(email);
        await page.Locator("input#password").FillAsync(Password);
        await page.Locator("form:has(input#email) button[type=submit]").ClickAsync();
        await Expect(page.Locator("main[data-page=pipeline]:not([aria-busy])")).ToBeVisibleAsync();
        await Expect(page.Locator("#who")).ToContainTextAsync("Noor Haddad");
        await Expect(page.GetByTestId("open-value")).ToHaveTextAsync("$45,000");
        await page.GotoAsync(channel.System.Gateway.Address + "/#/deals");
        await Expect(page.GetByTestId("deal-list").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("deal-list")).ToContainTextAsync("Rainier Health System Inc.");
        await channel.Screenshot(page, "invited-partner-user-deals");
        await context.DisposeAsync();
    }

    [Fact]
    public async Task The_pipeline_works_on_a_narrow_screen_and_with_the_keyboard()
    {
        var page = await channel.SignIn("Lee", width: 390);
        await Expect(page.GetByTestId("deals")).ToBeVisibleAsync();
        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the page scrolls sideways on a phone-sized screen");

        // From the top of the page, the Deals link is a few Tab presses away.
        await page.ReloadAsync(); // focus starts at the top of the document
        await Expect(page.GetByTestId("deals")).ToBeVisibleAsync();
        var presses = 0;
        var seen = new List<string>();
        while (await page.EvaluateAsync<string>("document.activeElement?.textContent ?? ''") != "Deals" && presses++ < 10)
        {
            await page.Keyboard.PressAsync("Tab");
            seen.Add(await page.EvaluateAsync<string>("(document.activeElement?.outerHTML ?? '').slice(0, 60)"));
        }
        Assert.True(presses <= 10, "the Deals link cannot be reached with the keyboard: " + string.Join(" | ", seen));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("main[data-page=deals]")).ToBeVisibleAsync();
        await channel.Screenshot(page, "deals-narrow");
    }

    [Fact]
    public async Task A_distributor_claims_in_the_browser_a_manager_settles_and_the_deal_page_shows_the_chain_and_takes_a_special_bid()
    {
        // The partner sees its PA: the discount off list, not the distributor's net cost.
        var quinn = await channel.SignIn("Quinn");
        await quinn.GotoAsync(channel.System.Gateway.Address + "/#/pricing");
        var authorizations = quinn.GetByTestId("authorizations");
        await Expect(authorizations).ToContainTextAsync(channel.PaNumber);
        await Expect(authorizations).ToContainTextAsync("SW-9300-48P × 10 at 48%");
        await Expect(authorizations).Not.ToContainTextAsync("$5,200");
        await Expect(quinn.GetByTestId("claims")).ToHaveCountAsync(0);

        // The distributor pastes its claim and reads the answer line by line, then disputes the rejected line.
        var robin = await channel.SignIn("Robin");
        await robin.GotoAsync(channel.System.Gateway.Address + "/#/pricing");
        await Expect(robin.GetByTestId("authorizations")).ToContainTextAsync("($5,200)");
        const string header = "claim_number,pa_number,invoice_number,invoice_date,reseller_id,end_customer_name,vendor_sku,quantity,book_cost,authorized_cost,claimed_amount";
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        await robin.Locator("#claim-text").FillAsync(string.Join("\n", header,
            $"SS-CLAIM-1,{channel.PaNumber},INV-PS-1,{today},{channel.Priced},Puget Sound Ferries,SW-9300-48P,2,6200.00,5200.00,2000.00",
            $"SS-CLAIM-1,{channel.PaNumber},INV-PS-2,{today},{channel.Priced},Puget Sound Ferries,SW-9300-48P,1,6000.00,5200.00,800.00"));
        await robin.GetByRole(AriaRole.Button, new() { Name = "Submit claim" }).ClickAsync();
        var answer = robin.GetByTestId("claim-answer");
        await Expect(answer.Locator("tr[data-line='1']")).ToContainTextAsync("Accepted");
        await Expect(answer.Locator("tr[data-line='2']")).ToContainTextAsync("cost mismatch");
        await answer.GetByRole(AriaRole.Link, new() { Name = "open the claim" }).ClickAsync();
        await robin.Locator("#comment").FillAsync("Book cost was the March promotion.");
        await robin.Locator("[data-dispute='2']").ClickAsync();
        await Expect(robin.Locator("#claim tr[data-line='2']")).ToContainTextAsync("Disputed");
        await channel.Screenshot(robin, "pricing-distributor");
        var claimUrl = robin.Url;

        // The manager accepts the disputed line with a credit, approves and settles.
        var morgan = await channel.SignIn("Morgan");
        await morgan.GotoAsync(claimUrl);
        await Expect(morgan.Locator("#claim tr[data-line='2']")).ToContainTextAsync("Disputed");
        await Expect(morgan.GetByTestId("claims")).ToContainTextAsync("SS-CLAIM-1");
        await morgan.Locator("#comment").FillAsync("Promotion confirmed.");
        await morgan.Locator("#credit").FillAsync("600");
        await morgan.Locator("[data-resolve='accept'][data-line-no='2']").ClickAsync();
        await Expect(morgan.GetByTestId("claim-credit")).ToHaveTextAsync("$2,600");
        await morgan.GetByRole(AriaRole.Button, new() { Name = "Approve for payment" }).ClickAsync();
        await Expect(morgan.GetByTestId("claim-status")).ToHaveTextAsync("Approved");
        await morgan.GetByRole(AriaRole.Button, new() { Name = "Settle" }).ClickAsync();
        await Expect(morgan.GetByTestId("credit-memo")).ToHaveTextAsync(new Regex(@"^CM-\d{4}-\d{6}$"));
        await channel.Screenshot(morgan, "pricing-manager");

        // The deal's page, reached from its PA: registration → PA and its versions → claim lines → credit settled.
        await morgan.GotoAsync(channel.System.Gateway.Address + "/#/pricing");
        await morgan.GetByTestId("authorizations").GetByRole(AriaRole.Link, new() { Name = "Puget Sound Ferries" }).ClickAsync();
        await Expect(morgan.GetByTestId("pa-number")).ToHaveTextAsync(channel.PaNumber);
        await Expect(morgan.GetByTestId("pa-versions")).ToContainTextAsync("1. issued");
        await Expect(morgan.GetByTestId("pa-versions")).ToContainTextAsync("claimed");
        await Expect(morgan.GetByTestId("chain-claims")).ToContainTextAsync("INV-PS-2");
        await Expect(morgan.GetByTestId("credit-settled")).ToHaveTextAsync("$2,600");

        // The partner's view of the same page: its price at net (60,000 × 5,200 ÷ 10,000), no claims, and a special bid asked for.
        await quinn.GotoAsync(channel.System.Gateway.Address + "/#/pricing");
        await quinn.GetByTestId("authorizations").GetByRole(AriaRole.Link, new() { Name = "Puget Sound Ferries" }).ClickAsync();
        await Expect(quinn.GetByTestId("pa-net")).ToHaveTextAsync("$31,200");
        await Expect(quinn.GetByTestId("chain-claims")).ToHaveCountAsync(0);
        await Expect(quinn.GetByTestId("chain-authorization")).Not.ToContainTextAsync("$6,200");
        await quinn.Locator("[data-bid-line='1'][data-sku='SW-9300-48P']").FillAsync("50");
        await quinn.Locator("#bid-form input[name='competitor']").FillAsync("Cisco");
        await quinn.Locator("#bid-form input[name='justification']").FillAsync("Cisco quoted the ferries 50 % off list.");
        await quinn.GetByRole(AriaRole.Button, new() { Name = "Ask for a special bid" }).ClickAsync();
        await Expect(quinn.GetByTestId("chain-authorization")).ToContainTextAsync("requested");
        await Expect(quinn.GetByTestId("bid-form")).ToHaveCountAsync(0);

        // The manager counters at 5,100 (49 %); the PA's next revision carries it, and the partner sees it.
        await morgan.ReloadAsync();
        var counter = morgan.Locator("[data-counter-line='1'][data-sku='SW-9300-48P']");
        await Expect(counter).ToHaveValueAsync("5000");
        await counter.FillAsync("5100");
        await morgan.Locator("#bid-reason").FillAsync("49 % is the floor for this account.");
        await morgan.GetByRole(AriaRole.Button, new() { Name = "Counter with these prices" }).ClickAsync();
        await Expect(morgan.GetByTestId("chain-authorization")).ToContainTextAsync("revision 2");
        await quinn.ReloadAsync();
        await Expect(quinn.GetByTestId("chain-authorization")).ToContainTextAsync("countered");
        await Expect(quinn.GetByTestId("chain-authorization")).ToContainTextAsync("SW-9300-48P 50% (49%)");
        await Expect(quinn.GetByTestId("pa-net")).ToHaveTextAsync("$30,600");
        await channel.Screenshot(quinn, "deal-chain-partner");
    }
}
