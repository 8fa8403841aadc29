using Bullion.Portfolio;
using Bullion.Web.Market;
using Deque.AxeCore.Commons;
using Microsoft.Extensions.DependencyInjection;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Bullion.EndToEnd.Tests;

public sealed class LookTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/items/new")]
    [InlineData("/settings")]
    public async Task Pages_have_no_axe_violations_in_light_and_dark(string path)
    {
        var (context, page, _) = await app.NewVisitorAsync();
        await using var _ = context;
        await AddItem(page, "Axe bar");
        await BrowserApp.OpenAsync(page, path);
        if (path == "/items/new") await page.ClickAsync("button:has-text('Add item')"); // with its error messages showing

        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            await page.EmulateMediaAsync(new() { ColorScheme = scheme });
            var result = await page.RunAxe();
            Assert.True(result.Violations.Length == 0, $"{path} ({scheme}): " + string.Join("; ", result.Violations.Select(v => $"{v.Id}: {v.Help} [{string.Join(", ", v.Nodes.Select(n => n.Html))}]")));
        }
    }

    [Fact]
    public async Task The_page_keeps_to_its_own_origin_under_the_content_security_policy()
    {
        var (context, page, _) = await app.NewVisitorAsync();
        await using var _ = context;
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add(message.Text);
        };
        var outside = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(app.BaseUrl.ToString(), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal)) outside.Add(request.Url);
        };

        await BrowserApp.OpenAsync(page, "/");
        await AddItem(page, "CSP bar");
        await BrowserApp.OpenAsync(page, "/settings");

        Assert.Empty(violations);
        Assert.Empty(outside);
    }

    [Fact]
    public async Task Dashboard_screenshots_at_phone_and_desktop_width()
    {
        // Written under docs/ when BULLION_SCREENSHOTS names that folder (see README); otherwise to a temp folder.
        var folder = Environment.GetEnvironmentVariable("BULLION_SCREENSHOTS") ?? Path.Combine(app.DataPath, "screenshots");
        Directory.CreateDirectory(folder);
        await SeedPriceHistory();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        foreach (var (name, size) in new[] { ("phone", new ViewportSize { Width = 390, Height = 844 }), ("desktop", new ViewportSize { Width = 1280, Height = 900 }) })
        {
            var (context, page, vault) = await app.NewVisitorAsync(size);
            await using var _ = context;
            foreach (var (item, daysAgo) in new[]
            {
                (new ValidItem("Antam 10 g bar", Category.Bar, 10m, 99.99m, 2, 1_500m, null, null), 80),
                (new ValidItem("Krugerrand", Category.Coin, 33.93m, 91.67m, 1, 2_450m, null, "gift from dad"), 45),
                (new ValidItem("Wedding ring", Category.Jewelry, 4.2m, 75m, 1, 310m, null, null), 10),
            })
            {
                await app.Vaults.WriteAsync(vault, new AddItem(item with { PurchaseDate = today.AddDays(-daysAgo) }, "USD", DateTimeOffset.UtcNow));
            }
            await BrowserApp.OpenAsync(page, "/");
            await Assertions.Expect(page.GetByTestId("price-per-gram")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#value-chart-title")).ToHaveCountAsync(1);
            var path = Path.Combine(folder, $"dashboard-{name}.png");
            await page.ScreenshotAsync(new() { Path = path, FullPage = true });
            Assert.True(new FileInfo(path).Length > 10_000);
        }
    }

    /// <summary>Ninety past days of prices in the global history, as if the feed had been running.</summary>
    private async Task SeedPriceHistory()
    {
        var market = app.Services.GetRequiredService<MarketStore>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        for (var day = 90; day >= 1; day--)
        {
            var usd = 2_400m + 200m * (decimal)Math.Sin(day / 9.0) + (90 - day) * 2m;
            var date = today.AddDays(-day);
            await market.AddAsync(new PriceSnapshot(date, new DateTimeOffset(date.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero), "seed",
                new Dictionary<string, decimal> { ["USD"] = Math.Round(usd, 2), ["IDR"] = Math.Round(usd * 15_800m, 0) }));
        }
    }

    private static async Task AddItem(IPage page, string name, string weight = "10", string price = "1000")
    {
        await BrowserApp.OpenAsync(page, "/");
        await BrowserApp.QuickAddAsync(page, name, weight, price);
    }
}
