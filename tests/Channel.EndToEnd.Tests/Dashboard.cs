using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Channel.EndToEnd.Tests;

/// <summary>
/// The dashboard of a running system in Debian's headless Chromium (Playwright drives it): a fresh browser context per
/// person signed in through the real sign-in (the gateway's session, the Identity service's page), and screenshots kept
/// as test artifacts.
/// </summary>
public sealed class Dashboard : IAsyncDisposable
{
    readonly RunningSystem system;
    readonly IPlaywright playwright;
    readonly IBrowser browser;
    public string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    Dashboard(RunningSystem system, IPlaywright playwright, IBrowser browser) => (this.system, this.playwright, this.browser) = (system, playwright, browser);

    public static async Task<Dashboard> Open(RunningSystem system)
    {
        // Every expectation, click and navigation waits for what it expects, so a longer limit costs a passing test
        // nothing; Playwright's 5 s (expectations) and 30 s (actions) failed sign-ins (the code exchange, the password
        // hash, the session read) on CI machines whose two cores another test's dozens of service processes were loading.
        SetDefaultExpectTimeout(45_000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium(),
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        var dashboard = new Dashboard(system, playwright, browser);
        Directory.CreateDirectory(dashboard.Screenshots);
        return dashboard;
    }

    static string Chromium() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Debian's chromium is not installed (./channel test installs it)");

    /// <summary>
    /// A fresh browser (its own cookies) signed in as the demo account whose label starts so: the dashboard's
    /// sign-in, the Identity service's sign-in page (its demo accounts sign in with their password), and back.
    /// </summary>
    public async Task<IPage> SignIn(string who, int width = 1280)
    {
        var context = await NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 1000 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(system.Gateway.Address + "/");
        await Expect(page.Locator("main[data-page=sign-in]")).ToBeVisibleAsync();
        await page.Locator("#sign-in").ClickAsync();
        await page.Locator("form button", new PageLocatorOptions { HasText = who }).ClickAsync();
        // Signed in once a page other than the sign-in page has finished rendering (the sign-in page itself also matches otherwise).
        await Expect(page.Locator("main[data-page]:not([data-page=sign-in]):not([aria-busy])")).ToBeVisibleAsync();
        return page;
    }

    /// <summary>A browser context of its own (no session), for what a test does by hand.</summary>
    public async Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null)
    {
        var context = await browser.NewContextAsync(options);
        context.SetDefaultTimeout(90_000);
        return context;
    }

    /// <summary>
    /// Runs axe-core (WCAG 2 A and AA rules) on the page as it stands and returns each violation as "rule: target, target…"
    /// (empty when there is none).
    /// </summary>
    static readonly Lazy<string> axeSource = new(() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "axe", "axe.min.js")));

    public static async Task<List<string>> Accessibility(IPage page)
    {
        // Evaluated through the browser's debugging protocol, which the page's Content-Security-Policy (script-src 'self') does not govern.
        await page.EvaluateAsync(axeSource.Value + "\n;undefined");
        var found = await page.EvaluateAsync<System.Text.Json.JsonElement>("""
            async () => (await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }))
                .violations.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 4).map(n => n.target.join(" ")).join(", ")} — ${v.help}`)
            """);
        return [.. found.EnumerateArray().Select(v => v.GetString()!)];
    }

    public Task Screenshot(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, $"{name}.png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
