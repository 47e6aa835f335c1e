using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Channel.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Channel.EndToEnd.Tests;

/// <summary>A channel of its own for the deal desk's flows in the browser, so their deals change no other test's figures.</summary>
public sealed class DealDeskChannel : IAsyncLifetime
{
    public RunningSystem System { get; } = new();
    public Dashboard Browser { get; private set; } = null!;
    public Guid Partner { get; private set; }
    public Guid Distributor { get; private set; }
    /// <summary>A registration made through the API at the start, for pages that show one deal.</summary>
    public Guid Deal { get; private set; }

    public async Task InitializeAsync()
    {
        await System.InitializeAsync();
        var manager = System.Client("channel-manager");
        var domain = $"{Guid.NewGuid():N}"[..10] + ".example";
        var applied = await System.Client().PostAsJsonAsync("/api/partners/applications", new
        {
            legalName = "Harborview Systems",
            country = "US",
            region = "WA",
            websiteDomain = domain,
            partnerType = "var",
            primaryContact = new { name = "Sam Lee", email = $"sam@{domain}" },
            agreementVersion = "2026-01",
        });
        Partner = (await applied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await manager.PostAsJsonAsync($"/api/partners/{Partner}/approve", new { tier = "gold" })).EnsureSuccessStatusCode();
        var avery = $"avery@{domain}";
        (await manager.PostAsJsonAsync($"/api/partners/{Partner}/users", new { name = "Avery Harborview", email = avery, role = "sales" })).EnsureSuccessStatusCode();
        Distributor = (await (await manager.PostAsJsonAsync("/api/distributors", new { name = "Puget Sound Distribution", countries = new[] { "US" }, regions = new[] { "WA", "OR" } }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Eventually.True(async () => (await manager.PostAsJsonAsync($"/api/distributors/{Distributor}/authorizations", new { partnerId = Partner, regions = new[] { "WA" } })).IsSuccessStatusCode);
        var jordan = $"jordan-{Guid.NewGuid():N}"[..15] + "@pugetsound-dist.example";
        (await manager.PostAsJsonAsync($"/api/distributors/{Distributor}/users", new { name = "Jordan Puget", email = jordan, role = "sales" })).EnsureSuccessStatusCode();
        // Deals learns of the partner and the authorization from their events: registering waits for that.
        await System.DealsDb.WaitFor("select count(*) from reseller_authorizations where distributor_id = @Distributor and active", args: new { Distributor });
        await System.DealsDb.WaitFor("select count(*) from partners where id = @id and status = 'active'", args: new { id = Partner });
        var registered = await System.Client("partner", Partner).PostAsJsonAsync("/api/deals", new
        {
            customer = new { legalName = "Kitsap Transit Authority", country = "US", region = "WA", type = "state-local-government" },
            fundingSource = "state-local-budget",
            attestation = new { version = "2026-1", accepted = true },
            products = new[] { new { sku = "RT-7700", quantity = 2, amount = 30_000m } },
            totalValue = 30_000m,
            currency = "USD",
            expectedClose = DateTime.UtcNow.AddDays(40).ToString("yyyy-MM-dd"),
        });
        Deal = (await registered.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await System.MakeDemoAccounts(
            ($"morgan-{Guid.NewGuid():N}"[..15] + "@vendor.example", "Morgan Manager", "channel-manager", "Morgan (channel manager)"),
            (avery, null, null, "Avery at Harborview Systems"),
            (jordan, null, null, "Jordan at Puget Sound Distribution"));
        Browser = await Dashboard.Open(System);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        await System.DisposeAsync();
    }
}

/// <summary>The deal desk's browser tests share one channel (and run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class DealDesk : ICollectionFixture<DealDeskChannel>
{
    public const string Name = "deal desk";
}

[Collection(DealDesk.Name)]
public sealed class WorkingADealInTheBrowser(DealDeskChannel channel)
{
    [Fact]
    public async Task A_partner_registers_fixing_a_field_the_manager_returns_it_the_partner_resubmits_it_is_approved_and_closed_as_won()
    {
        // The partner fills in the form: the family follows the SKU as it is typed, the total follows the lines.
        var avery = await channel.Browser.SignIn("Avery");
        await avery.GetByRole(AriaRole.Link, new() { Name = "Register a deal" }).ClickAsync();
        var form = avery.Locator("#register");
        await form.Locator("[name='customer.legalName']").FillAsync("Olympic Peninsula Clinics");
        await form.Locator("[name='customer.region']").FillAsync("WA");
        // A public-sector customer asks for the registrant's attestation, with Compliance's statement; a hospital does not.
        await form.Locator("[name='customer.type']").SelectOptionAsync("federal-contractor");
        await Expect(form.Locator("#attestation")).ToBeVisibleAsync();
        await Expect(form.Locator("#attestation-text")).ToContainTextAsync("covered telecommunications equipment");
        await form.Locator("[name='customer.type']").SelectOptionAsync("healthcare");
        await Expect(form.Locator("#attestation")).ToBeHiddenAsync();
        await form.Locator("[data-line='0'] [name='sku']").FillAsync("SW-9300-48P");
        await Expect(form.Locator("[data-line='0'] [name='productFamily']")).ToHaveValueAsync("switching");
        await form.Locator("[data-line='0'] [name='quantity']").FillAsync("4");
        await form.Locator("[data-line='0'] [name='amount']").FillAsync("40000");
        await form.GetByRole(AriaRole.Button, new() { Name = "Add a line" }).ClickAsync();
        await form.Locator("[data-line='1'] [name='productFamily']").SelectOptionAsync("wireless");
        await form.Locator("[data-line='1'] [name='quantity']").FillAsync("20");
        await form.Locator("[data-line='1'] [name='amount']").FillAsync("12000");
        await Expect(form.Locator("[name='totalValue']")).ToHaveValueAsync("52000");

        // A close date in the past: the API's message stands beside the field, which is marked invalid; nothing is registered.
        await form.Locator("[name='expectedClose']").FillAsync("2020-01-15");
        await form.GetByRole(AriaRole.Button, new() { Name = "Register the deal" }).ClickAsync();
        await Expect(form.Locator("[data-error='expectedClose']")).ToHaveTextAsync("must not be in the past");
        await Expect(form.Locator("[name='expectedClose']")).ToHaveAttributeAsync("aria-invalid", "true");
        await channel.Browser.Screenshot(avery, "register-field-error");
        Assert.Equal(0, (await channel.System.Client("partner", channel.Partner).GetFromJsonAsync<JsonElement>("/api/deals?customer=olympic")).GetProperty("total").GetInt32());
        await form.Locator("[name='expectedClose']").FillAsync(DateTime.UtcNow.AddDays(60).ToString("yyyy-MM-dd"));
        await form.GetByRole(AriaRole.Button, new() { Name = "Register the deal" }).ClickAsync();
        await Expect(avery.GetByTestId("deal-title")).ToContainTextAsync("Submitted");
        var dealUrl = avery.Url;

        // The manager finds it by search and returns it for information.
        var morgan = await channel.Browser.SignIn("Morgan");
        await morgan.GotoAsync(channel.System.Gateway.Address + "/#/deals");
        await morgan.Locator("#filters [name='customer']").FillAsync("olympic");
        await morgan.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        // Sorted on the server by a column header (again: the other way), clicked once the searched list is shown (the list
        // before it has a header that sorts without the search: a loaded run clicked that one).
        var byValue = morgan.GetByTestId("deal-list").GetByRole(AriaRole.Link, new() { Name = "Value" });
        await Expect(byValue).ToHaveAttributeAsync("href", new Regex("customer=olympic"));
        await byValue.ClickAsync();
        await Expect(morgan.Locator("th[aria-sort='descending']")).ToContainTextAsync("Value");
        await morgan.GetByTestId("deal-list").GetByRole(AriaRole.Link, new() { Name = "Value ▼" }).ClickAsync();
        await Expect(morgan.Locator("th[aria-sort='ascending']")).ToContainTextAsync("Value");
        await Expect(morgan.Locator("#filters [name='customer']")).ToHaveValueAsync("olympic");
        await morgan.GetByTestId("deal-list").GetByRole(AriaRole.Link, new() { Name = "Olympic Peninsula Clinics" }).ClickAsync();
        await morgan.Locator("#deal-reason").FillAsync("Add the clinics' web domain, please.");
        await morgan.GetByRole(AriaRole.Button, new() { Name = "Return for information" }).ClickAsync();
        await Expect(morgan.GetByTestId("deal-title")).ToContainTextAsync("Returned");

        // The partner edits it (the form holds what was registered) and sends it again.
        await avery.ReloadAsync();
        await Expect(avery.GetByTestId("deal-history")).ToContainTextAsync("Add the clinics' web domain, please.");
        await avery.GetByRole(AriaRole.Link, new() { Name = "Edit and resubmit" }).ClickAsync();
        await Expect(form.Locator("[name='customer.legalName']")).ToHaveValueAsync("Olympic Peninsula Clinics");
        await Expect(form.Locator(".line")).ToHaveCountAsync(2);
        await form.Locator("[name='customer.domain']").FillAsync("olympicclinics.example");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save and resubmit" }).ClickAsync();
        await Expect(avery.GetByTestId("deal-title")).ToContainTextAsync("Submitted");

        // Approved by the manager from the deal's page, once the Compliance service has screened what changed (until then the page
        // says it is waiting and offers no approval).
        await Eventually.True(async () =>
        {
            await morgan.ReloadAsync();
            await morgan.Locator("main[data-page=deal]:not([aria-busy])").WaitForAsync();
            var screening = await morgan.GetByTestId("screening").TextContentAsync();
            if (screening!.Contains("waiting")) Assert.Equal(0, await morgan.GetByRole(AriaRole.Button, new() { Name = "Approve" }).CountAsync());
            return screening.Contains("clear");
        }, "the resubmitted deal screened clear");
        await Expect(morgan.GetByTestId("deal-title")).ToContainTextAsync("Submitted");
        await morgan.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(morgan.GetByTestId("deal-title")).ToContainTextAsync("Approved");

        // A second registration that looks like the open one is pointed out before it is sent.
        await avery.GotoAsync(channel.System.Gateway.Address + "/#/register");
        await form.Locator("[name='customer.legalName']").FillAsync("Olympic Peninsula Clinics Group");
        await form.GetByRole(AriaRole.Button, new() { Name = "Register the deal" }).ClickAsync();
        await Expect(avery.GetByTestId("lookalike")).ToContainTextAsync("Olympic Peninsula Clinics");

        // The partner closes the first as won, at the amount it sold for.
        await avery.GotoAsync(dealUrl);
        await avery.Locator("#actual").FillAsync("50000");
        await avery.GetByRole(AriaRole.Button, new() { Name = "Close as won" }).ClickAsync();
        await Expect(avery.GetByTestId("deal-title")).ToContainTextAsync("Won");
        await channel.Browser.Screenshot(avery, "deal-won");

        // The list, exported as the filters give it: the whole list as CSV, the won ones as Excel.
        await avery.GotoAsync(channel.System.Gateway.Address + "/#/deals?customer=olympic");
        var csv = await avery.RunAndWaitForDownloadAsync(() => avery.GetByRole(AriaRole.Button, new() { Name = "Export CSV" }).ClickAsync());
        var text = await File.ReadAllTextAsync((await csv.PathAsync())!);
        Assert.Equal(2, text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("Olympic Peninsula Clinics,olympicclinics.example,US,WA,healthcare,Harborview Systems", text);
        var xlsx = await avery.RunAndWaitForDownloadAsync(() => avery.GetByRole(AriaRole.Button, new() { Name = "Export Excel" }).ClickAsync());
        Assert.Equal("deals.xlsx", xlsx.SuggestedFilename);
        Assert.Equal("PK", System.Text.Encoding.ASCII.GetString((await File.ReadAllBytesAsync((await xlsx.PathAsync())!))[..2])); // a zip, as .xlsx is
        var deals = await channel.System.Client("partner", channel.Partner).GetFromJsonAsync<JsonElement>("/api/deals?customer=olympic");
        var only = deals.GetProperty("items").EnumerateArray().Single();
        Assert.Equal(("won", 50_000m, "olympicclinics.example"),
            (only.GetProperty("status").GetString(), only.GetProperty("actualAmount").GetDecimal(), only.GetProperty("customerDomain").GetString()));
    }

    [Fact]
    public async Task A_distributor_uploads_a_report_reads_and_downloads_its_refused_lines_and_registers_for_a_reseller_it_serves()
    {
        var jordan = await channel.Browser.SignIn("Jordan");
        await jordan.GetByRole(AriaRole.Link, new() { Name = "Sell-through" }).ClickAsync();
        await Expect(jordan.Locator("main")).ToContainTextAsync("Harborview Systems");
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var number = $"PSD-{Guid.NewGuid():N}"[..12];
        var csv = string.Join("\n",
            "report_number,period_start,period_end,invoice_number,invoice_date,transaction_type,reseller_id,end_customer_name,end_customer_country,vendor_sku,quantity,unit_price,extended_amount,currency",
            $"{number},{today},{today},INV-1,{today},sale,{channel.Partner},Tacoma Dental Group,US,SW-9300-48P,2,5200.00,10400.00,USD",
            $"{number},{today},{today},INV-2,{today},sale,{channel.Partner},Tacoma Dental Group,US,AP-6100,10,700.00,7000.00,USD",
            $"{number},{today},{today},INV-3,{today},sale,{channel.Partner},Tacoma Dental Group,US,AP-6100,many,700.00,7000.00,USD") + "\n";
        await jordan.Locator("#report-file").SetInputFilesAsync(new FilePayload { Name = "october.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) });
        var outcome = jordan.GetByTestId("report-result");
        await Expect(outcome.GetByTestId("report-counts")).ToHaveTextAsync("3 lines: 2 accepted, 1 refused");
        await Expect(outcome.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(outcome.Locator("tbody tr")).ToContainTextAsync("quantity");
        await Expect(jordan.Locator("#progress progress")).ToHaveAttributeAsync("value", "1");
        await channel.Browser.Screenshot(jordan, "sell-through-upload");
        var download = await jordan.RunAndWaitForDownloadAsync(() => outcome.GetByRole(AriaRole.Button, new() { Name = "Download the refused lines (CSV)" }).ClickAsync());
        var saved = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("line,field,reason\r\n4,quantity,", saved);
        Assert.Equal($"{number}-refused.csv", download.SuggestedFilename);
        // The report joins the list at once, and opens again with the same answer.
        await jordan.Locator("#report-list").GetByRole(AriaRole.Link, new() { Name = number }).ClickAsync();
        await Expect(jordan.GetByTestId("report-counts")).ToHaveTextAsync("3 lines: 2 accepted, 1 refused");
        // Reopened, the report shows its accepted lines (not the refused one), with the reseller's name.
        var lines = jordan.GetByTestId("report-lines").Locator("tbody tr");
        await Expect(lines).ToHaveCountAsync(2);
        await Expect(lines.First).ToContainTextAsync("INV-1");
        await Expect(lines.First).ToContainTextAsync("Harborview Systems");
        await Expect(lines.Nth(1)).ToContainTextAsync("AP-6100");
        await Expect(jordan.GetByTestId("report-lines")).Not.ToContainTextAsync("INV-3");

        // Registering for a reseller: only those it serves are offered.
        await jordan.GetByRole(AriaRole.Link, new() { Name = "Register a deal" }).ClickAsync();
        var form = jordan.Locator("#register");
        await Expect(form.Locator("[name='partnerId'] option")).ToHaveCountAsync(2); // "Choose…" and Harborview
        await form.Locator("[name='partnerId']").SelectOptionAsync(channel.Partner.ToString());
        await form.Locator("[name='customer.legalName']").FillAsync("Bremerton Shipyard Clinic");
        await form.Locator("[name='customer.region']").FillAsync("WA");
        await form.Locator("[data-line='0'] [name='sku']").FillAsync("FW-500");
        await Expect(form.Locator("[data-line='0'] [name='productFamily']")).ToHaveValueAsync("security");
        await form.Locator("[data-line='0'] [name='quantity']").FillAsync("2");
        await form.Locator("[data-line='0'] [name='amount']").FillAsync("16000");
        await form.Locator("[name='expectedClose']").FillAsync(DateTime.UtcNow.AddDays(45).ToString("yyyy-MM-dd"));
        await form.GetByRole(AriaRole.Button, new() { Name = "Register the deal" }).ClickAsync();
        await Expect(jordan.GetByTestId("deal-title")).ToContainTextAsync("Submitted");
        var registered = (await channel.System.Client("partner", channel.Partner).GetFromJsonAsync<JsonElement>("/api/deals?customer=bremerton"))
            .GetProperty("items").EnumerateArray().Single();
        Assert.Equal(channel.Distributor, registered.GetProperty("distributorId").GetGuid());
    }

    [Fact]
    public async Task A_manager_onboards_a_distributor_authorizes_a_reseller_revokes_it_and_changes_the_partners_tier()
    {
        var morgan = await channel.Browser.SignIn("Morgan");
        await morgan.GetByRole(AriaRole.Link, new() { Name = "Distributors" }).ClickAsync();
        var onboard = morgan.Locator("#onboard");
        var name = $"Cascadia Supply {Guid.NewGuid():N}"[..22];
        await onboard.Locator("[name='name']").FillAsync(name);
        await onboard.Locator("[name='countries']").FillAsync("US");
        await onboard.Locator("[name='regions']").FillAsync("wa, or");
        await onboard.GetByRole(AriaRole.Button, new() { Name = "Onboard" }).ClickAsync();
        await Expect(morgan.GetByTestId("distributor-title")).ToContainTextAsync(name);
        await Expect(morgan.Locator("main")).ToContainTextAsync("regions WA, OR");

        // Authorizing without choosing the reseller: the API's message stands beside the field.
        var authorize = morgan.Locator("#authorize");
        await authorize.Locator("[name='regions']").FillAsync("WA");
        await authorize.GetByRole(AriaRole.Button, new() { Name = "Authorize" }).ClickAsync();
        await Expect(authorize.Locator("[data-error='partnerId']")).Not.ToBeEmptyAsync();
        // The picker asks the API for the active partners matching what is typed: nothing for a name no partner has, then Harborview.
        await authorize.Locator("#reseller-search").FillAsync("no partner is called this");
        await Expect(authorize.Locator("#reseller-more")).ToHaveTextAsync("0 matching.");
        await Expect(authorize.Locator("[name='partnerId'] option")).ToHaveCountAsync(1);
        await authorize.Locator("#reseller-search").FillAsync("harborview");
        await Expect(authorize.Locator("[name='partnerId'] option", new() { HasText = "Harborview Systems" })).ToHaveCountAsync(1);
        await authorize.Locator("[name='partnerId']").SelectOptionAsync(channel.Partner.ToString());
        await authorize.GetByRole(AriaRole.Button, new() { Name = "Authorize" }).ClickAsync();
        var resellers = morgan.GetByTestId("resellers");
        await Expect(resellers.Locator("tbody tr", new() { HasText = "Harborview Systems" })).ToContainTextAsync("Authorized");
        await channel.Browser.Screenshot(morgan, "distributor-manager");
        var distributorUrl = morgan.Url;

        // The partner's page lists the new distributor among those serving it; the manager moves the partner up a tier.
        await morgan.GetByRole(AriaRole.Link, new() { Name = "Partners" }).ClickAsync();
        await morgan.Locator("#filters [name='q']").FillAsync("Harborview");
        await morgan.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        // Sorted by name from its header (the search kept), and exported as the list shows it. The header is clicked once the
        // searched list is shown: the list before it has a header that sorts everything (a loaded run clicked that one).
        var byName = morgan.GetByRole(AriaRole.Link, new() { Name = "Partner", Exact = true });
        await Expect(byName).ToHaveAttributeAsync("href", new Regex("q=Harborview"));
        await byName.ClickAsync();
        await Expect(morgan.Locator("th[aria-sort='descending']")).ToContainTextAsync("Partner");
        await Expect(morgan.Locator("#filters [name='q']")).ToHaveValueAsync("Harborview");
        var export = await morgan.RunAndWaitForDownloadAsync(() => morgan.GetByRole(AriaRole.Button, new() { Name = "Export CSV" }).ClickAsync());
        var exported = (await File.ReadAllTextAsync((await export.PathAsync())!)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, exported.Length);
        Assert.StartsWith($"{channel.Partner},Harborview Systems,", exported[1]);
        await morgan.GetByRole(AriaRole.Link, new() { Name = "Harborview Systems" }).ClickAsync();
        await Expect(morgan.Locator("main")).ToContainTextAsync(name);
        await morgan.Locator("#partner-tier").SelectOptionAsync("platinum");
        await morgan.GetByRole(AriaRole.Button, new() { Name = "Change tier" }).ClickAsync();
        await Expect(morgan.Locator("#toast")).ToContainTextAsync("reason"); // a tier change says why
        await morgan.Locator("#partner-reason").FillAsync("Passed the platinum revenue bar this year.");
        await morgan.Locator("#partner-tier").SelectOptionAsync("platinum");
        await morgan.GetByRole(AriaRole.Button, new() { Name = "Change tier" }).ClickAsync();
        await Expect(morgan.GetByTestId("partner-tier")).ToHaveTextAsync("platinum");
        await channel.Browser.Screenshot(morgan, "partner-manager");

        // Back at the distributor, the authorization is revoked with a reason.
        await morgan.GotoAsync(distributorUrl);
        await morgan.Locator("#dist-reason").FillAsync("Harborview moved its Washington buying to Puget Sound.");
        await morgan.GetByTestId("resellers").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        var revoked = morgan.GetByTestId("resellers").Locator("tbody tr", new() { HasText = "Harborview Systems" });
        await Expect(revoked).ToContainTextAsync("Revoked");
        await Expect(revoked).ToContainTextAsync("Harborview moved its Washington buying to Puget Sound.");
        // The partner is served by Puget Sound Distribution only again.
        var serving = await channel.System.Client("channel-manager").GetFromJsonAsync<JsonElement>($"/api/distributors/partners/{channel.Partner}");
        Assert.Equal(["Puget Sound Distribution"], serving.EnumerateArray().Select(a => a.GetProperty("distributorName").GetString()));
        Assert.Equal("platinum", (await channel.System.Client("channel-manager").GetFromJsonAsync<JsonElement>($"/api/partners/{channel.Partner}")).GetProperty("tier").GetString());
    }
}

/// <summary>Every page each user opens, checked by axe-core and kept as screenshots at desktop width and at 390 px.</summary>
[Collection(DealDesk.Name)]
public sealed class ReachingEveryPage(DealDeskChannel channel)
{
    static readonly Dictionary<string, string[]> pages = new()
    {
        ["Morgan"] = ["pipeline", "queue", "applications", "partners", "partner", "distributors", "distributor", "deals", "deal", "reports", "pricing"],
        ["Avery"] = ["pipeline", "deals", "deal", "register", "pricing", "partner"],
        ["Jordan"] = ["pipeline", "reports", "register", "distributor", "pricing"],
    };

    [Fact]
    public async Task The_api_reference_opens_each_service_from_its_own_link()
    {
        var context = await channel.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        // The reference loads the service's own document (its title) and lists its operations.
        foreach (var (service, title, operation) in new[] { ("deals", "Channel.Deals", "/api/deals/admin/errors"), ("partners", "Channel.Partners", "/api/partners/admin/errors") })
        {
            await page.GotoAsync($"{channel.System.Gateway.Address}/docs/{service}");
            await Expect(page.GetByRole(AriaRole.Complementary, new() { Name = $"Sidebar for {title}" })).ToBeVisibleAsync(new() { Timeout = 20_000 });
            await Expect(page.Locator($"a[href*='{operation}']").First).ToBeAttachedAsync();
        }
        await channel.Browser.Screenshot(page, "docs-partners");
        await context.CloseAsync();
    }

    [Theory]
    [InlineData("Morgan")]
    [InlineData("Avery")]
    [InlineData("Jordan")]
    public async Task Every_page_of_each_user_passes_axe_at_desktop_width_and_at_390_px(string who)
    {
        var found = new List<string>();
        foreach (var width in new[] { 1280, 390 })
        {
            var browser = await channel.Browser.SignIn(who, width);
            foreach (var page in pages[who])
            {
                var hash = page switch
                {
                    "partner" => $"partner?id={channel.Partner}",
                    "distributor" => $"distributor?id={channel.Distributor}",
                    "deal" => $"deal?id={channel.Deal}",
                    _ => page,
                };
                await browser.GotoAsync(channel.System.Gateway.Address + "/#/" + hash);
                await Expect(browser.Locator($"main[data-page='{page}']:not([aria-busy])")).ToBeVisibleAsync();
                await channel.Browser.Screenshot(browser, $"page-{page}-{who.ToLowerInvariant()}-{width}");
                found.AddRange((await Dashboard.Accessibility(browser)).Select(v => $"{page} at {width} px: {v}"));
            }
            await browser.Context.CloseAsync();
        }
        Assert.True(found.Count == 0, $"{who}'s pages:\n" + string.Join("\n", found));
    }
}
