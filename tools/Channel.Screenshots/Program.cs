using Microsoft.Playwright;

// The README's screenshots: the portal of a running demo (./channel up) as its demo people see it, in Debian's headless
// Chromium, at desktop width and at 390 px. Usage: Channel.Screenshots <gateway address> <folder> <password>.
var gateway = args.ElementAtOrDefault(0) ?? "http://127.0.0.1:8080";
var folder = args.ElementAtOrDefault(1) ?? "docs/screenshots";
var password = args.ElementAtOrDefault(2) ?? throw new ArgumentException("the demo accounts' password is the third argument");
Directory.CreateDirectory(folder);

// (who signs in, the page, the file, the width)
(string Who, string Page, string Name, int Width)[] shots =
[
    ("lee@vendor.example", "pipeline", "pipeline", 1280),
    ("lee@vendor.example", "pipeline", "pipeline-phone", 390),
    ("morgan@vendor.example", "queue", "deal-queue", 1280),
    ("morgan@vendor.example", "partners", "partners", 1280),
    ("morgan@vendor.example", "applications", "applications", 1280),
    ("morgan@vendor.example", "distributors", "distributors", 1280),
    ("morgan@vendor.example", "pricing", "pricing", 1280),
    ("sam@summitnet.example", "deals", "partner-deals", 1280),
    ("sam@summitnet.example", "register", "register-a-deal", 1280),
    ("dana@pacific-coast-distribution.example", "reports", "sell-through", 1280),
    ("riley@vendor.example", "compliance", "compliance-queue", 1280),
];

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Debian's chromium is not installed (apt-get install chromium)"),
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
foreach (var person in shots.GroupBy(s => (s.Who, s.Width)))
{
    await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = person.Key.Width, Height = 900 } });
    var page = await context.NewPageAsync();
    await page.GotoAsync($"{gateway}/");
    await page.Locator("#sign-in").ClickAsync();
    // The Identity service's sign-in page: the address and the demo password.
    await page.Locator("#email").FillAsync(person.Key.Who);
    await page.Locator("#password").FillAsync(password);
    await page.Locator("form:has(#email) button[type=submit]").ClickAsync();
    await page.Locator("main[data-page]:not([data-page=sign-in]):not([aria-busy])").WaitForAsync();
    foreach (var shot in person)
    {
        await page.GotoAsync($"{gateway}/#/{shot.Page}");
        await page.Locator($"main[data-page='{shot.Page}']:not([aria-busy])").WaitForAsync();
        var file = Path.Combine(folder, $"{shot.Name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = shot.Width < 1000 });
        Console.WriteLine(file);
    }
}
