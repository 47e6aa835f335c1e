using System.Net.Http.Json;
using System.Text.Json;
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
        // Deals learns of the partner from its events: registering waits for that.
        await System.DealsDb.WaitFor("select count(*) from partners where id = @id and status = 'active'", args: new { id = Partner });
        await System.MakeDemoAccounts(
            ($"morgan-{Guid.NewGuid():N}"[..15] + "@vendor.example", "Morgan Manager", "channel-manager", "Morgan (channel manager)"),
            (avery, null, null, "Avery at Harborview Systems"));
        Browser = await Dashboard.Open(System);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        await System.DisposeAsync();
    }
}

public sealed class WorkingADealInTheBrowser(DealDeskChannel channel) : IClassFixture<DealDeskChannel>
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
        await form.Locator("[name='customer.sector']").SelectOptionAsync("healthcare");
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
        Assert.Equal(0, (await channel.System.Client("partner", channel.Partner).GetFromJsonAsync<JsonElement>("/api/deals")).GetProperty("total").GetInt32());
        await form.Locator("[name='expectedClose']").FillAsync(DateTime.UtcNow.AddDays(60).ToString("yyyy-MM-dd"));
        await form.GetByRole(AriaRole.Button, new() { Name = "Register the deal" }).ClickAsync();
        await Expect(avery.GetByTestId("deal-title")).ToContainTextAsync("Submitted");
        var dealUrl = avery.Url;

        // The manager finds it by search and returns it for information.
        var morgan = await channel.Browser.SignIn("Morgan");
        await morgan.GotoAsync(channel.System.Gateway.Address + "/#/deals");
        await morgan.Locator("#filters [name='customer']").FillAsync("olympic");
        await morgan.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
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

        // Approved by the manager from the deal's page.
        await morgan.ReloadAsync();
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
        var deals = await channel.System.Client("partner", channel.Partner).GetFromJsonAsync<JsonElement>("/api/deals");
        var only = deals.GetProperty("items").EnumerateArray().Single();
        Assert.Equal(("won", 50_000m, "olympicclinics.example"),
            (only.GetProperty("status").GetString(), only.GetProperty("actualAmount").GetDecimal(), only.GetProperty("customerDomain").GetString()));
    }
}
