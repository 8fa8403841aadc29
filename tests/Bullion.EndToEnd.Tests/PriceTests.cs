using System.Security.Cryptography;
using Bullion.Vaults;
using Bullion.Web.Market;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Bullion.EndToEnd.Tests;

public sealed class PriceTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task A_new_price_reaches_open_dashboards_of_different_vaults_without_reload_and_touches_no_vault()
    {
        var (contextA, a, vaultA) = await app.NewVisitorAsync();
        await using var _ = contextA;
        var (contextB, b, vaultB) = await app.NewVisitorAsync();
        await using var __ = contextB;
        foreach (var page in new[] { a, b })
        {
            await BrowserApp.QuickAddAsync(page, "Bar", "10", "800");
            // 2,600 USD/oz ÷ 31.1035 = 83.59 USD/g (the fixture's first price)
            await Assertions.Expect(page.GetByTestId("price-per-gram")).ToHaveTextAsync("USD 83.59 per gram");
            await Assertions.Expect(page.GetByTestId("total-value")).ToHaveTextAsync("USD 835.84"); // 9.999 g × 83.5919…
        }
        var before = (Fingerprint(vaultA), Fingerprint(vaultB));

        app.Prices.Publish(2_700m, 43_000_000m, new DateOnly(2026, 12, 4));
        var status = await app.Services.GetRequiredService<PriceFeed>().RefreshNowAsync();
        Assert.Equal(2_700m, status.Latest!.PerOunce["USD"]);

        foreach (var page in new[] { a, b })
        {
            await Assertions.Expect(page.GetByTestId("price-per-gram")).ToHaveTextAsync("USD 86.81 per gram");
            await Assertions.Expect(page.GetByTestId("total-value")).ToHaveTextAsync("USD 867.98"); // 9.999 g × 86.80695… (2,700 ÷ 31.1035, unrounded) = 867.9827
        }
        Assert.Equal(before, (Fingerprint(vaultA), Fingerprint(vaultB)));
    }

    [Fact]
    public async Task A_manual_price_wins_over_the_feed_and_is_labelled()
    {
        var (context, page, _) = await app.NewVisitorAsync();
        await using var _ = context;
        await BrowserApp.OpenAsync(page, "/settings");
        await page.FillAsync("#manual-price", "100");
        await page.ClickAsync("button:has-text('Save settings')");
        await Assertions.Expect(page.GetByText("Settings saved.")).ToBeVisibleAsync();

        await BrowserApp.OpenAsync(page, "/");

        await Assertions.Expect(page.GetByTestId("price")).ToContainTextAsync("USD 100.00 per gram");
        await Assertions.Expect(page.GetByTestId("price")).ToContainTextAsync("manual price");
    }

    [Fact]
    public async Task Changing_currency_and_unit_shows_converted_values_and_says_so()
    {
        var (context, page, _) = await app.NewVisitorAsync();
        await using var _ = context;
        await BrowserApp.QuickAddAsync(page, "Bought in dollars", "31.1035", "2000");

        await BrowserApp.OpenAsync(page, "/settings");
        await page.FillAsync("#currency", "idr");
        await page.SelectOptionAsync("#unit", "TroyOunces");
        await page.ClickAsync("button:has-text('Save settings')");
        await Assertions.Expect(page.GetByText("Settings saved.")).ToBeVisibleAsync();
        await BrowserApp.OpenAsync(page, "/");

        // 31.1035 g × 99.99 % = 31.1004 pure g (4 decimals) = 0.9999 ozt; × IDR 41,000,000 / 31.1035 per gram
        // (the fixture's price) = 40,995,913.9 → IDR without decimals.
        await Assertions.Expect(page.GetByTestId("total-pure")).ToHaveTextAsync("0.9999 ozt");
        await Assertions.Expect(page.GetByTestId("total-value")).ToHaveTextAsync("IDR 40,995,914");
        // USD 2,000 paid, converted at the feed's cross rate 41,000,000 / 2,600 = 15,769.23… IDR per USD.
        await Assertions.Expect(page.GetByTestId("total-invested")).ToHaveTextAsync("IDR 31,538,462");
        await Assertions.Expect(page.GetByTestId("converted")).ToContainTextAsync("Prices paid in USD are shown in IDR at today's rate");
    }

    /// <summary>The vault's main file and WAL, byte for byte (the shared-memory index changes on reads and is left out).</summary>
    private string Fingerprint(VaultId id)
    {
        var path = app.VaultFile(id);
        var bytes = File.ReadAllBytes(path).Concat(File.Exists(path + "-wal") ? File.ReadAllBytes(path + "-wal") : []).ToArray();
        return Convert.ToHexString(SHA256.HashData(bytes));
    }
}
