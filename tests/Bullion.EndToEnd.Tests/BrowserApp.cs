using Bullion.Vaults;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

[assembly: CollectionBehavior(MaxParallelThreads = 2)]

namespace Bullion.EndToEnd.Tests;

/// <summary>
/// The real app on Kestrel (a free port on 127.0.0.1) over a fresh data folder, and Debian's headless Chromium driven
/// by Playwright. One per test class; each test opens its own browser contexts (a context is a new visitor, so a new vault).
/// </summary>
public sealed class BrowserApp : IAsyncLifetime
{
    // Chromium dominates CPU on 2 cores; Playwright's 5 s default is too short (KNOWHOW).
    public const float TimeoutMs = 30_000;

    private WebApplicationFactory<Program>? _factory;
    private IPlaywright? _playwright;

    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), "bullion-e2e", Guid.NewGuid().ToString("N"));
    public Uri BaseUrl { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public IServiceProvider Services => _factory!.Services;
    public IVaultAccess Vaults => Services.GetRequiredService<IVaultAccess>();

    /// <summary>The gold price source: a real local HTTP server; the app's feed points at it (primary and fallback).</summary>
    public PriceServer Prices { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Expect() has its own 5 s default, separate from the context's: too short on 2 busy cores.
        Assertions.SetDefaultExpectTimeout(TimeoutMs);
        Prices = await PriceServer.StartAsync(usdPerOunce: 2_600m, idrPerOunce: 41_000_000m);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Prices:Enabled", "true");
            builder.UseSetting("Prices:PrimaryUrl", Prices.Url.ToString());
            builder.UseSetting("Prices:FallbackUrl", Prices.Url.ToString());
            // Tests publish a price and refresh at once; the one-minute guard is for users.
            builder.UseSetting("Prices:MinManualRefreshInterval", "00:00:00");
            builder.UseSetting("Bullion:DataPath", DataPath);
            // Never the embedded default port: test classes run side by side.
            builder.UseSetting("urls", "http://127.0.0.1:0");
            // Every context is a new visitor from 127.0.0.1; the real limits would stop a suite after ten.
            builder.UseSetting("Identity:NewVaultsPerIpPerHour", "1000");
            builder.UseSetting("Identity:NewVaultsPerHour", "1000");
        });
        _factory.UseKestrel(0);
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseUrl = new Uri($"http://127.0.0.1:{new Uri(address).Port}");

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            // This machine has no network: keep Chromium from trying to reach Google at start.
            Args = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-gpu"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_factory is not null) await _factory.DisposeAsync();
        if (Prices is not null) await Prices.DisposeAsync();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // Leftover temp files are harmless.
        }
    }

    /// <summary>A new visitor: a fresh context on the dashboard, waited until the Blazor circuit is interactive.</summary>
    public async Task<(IBrowserContext Context, IPage Page, VaultId Vault)> NewVisitorAsync(ViewportSize? viewport = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl.ToString(), ViewportSize = viewport, AcceptDownloads = true });
        context.SetDefaultTimeout(TimeoutMs);
        var page = await context.NewPageAsync();
        await OpenAsync(page, "/");
        var vault = VaultId.Parse(await page.Locator("[data-vault]").GetAttributeAsync("data-vault"));
        return (context, page, vault);
    }

    /// <summary>Navigates and waits for the interactive circuit: clicks on the prerendered page would be lost.</summary>
    public static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.Locator("[data-interactive=true]").WaitForAsync();
    }

    /// <summary>Quick-adds an item on the dashboard the page shows, and waits until the item is listed.</summary>
    public static async Task QuickAddAsync(IPage page, string name, string weight, string price)
    {
        await page.FillAsync("#quick-name", name);
        await page.FillAsync("#quick-weight", weight);
        await page.FillAsync("#quick-price", price);
        await page.ClickAsync("button:has-text('Add')");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = name })).ToBeVisibleAsync();
    }

    public string VaultFile(VaultId id) => Path.Combine(DataPath, "vaults", id.FileName);
}
