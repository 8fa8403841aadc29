using Bullion.Portfolio;
using Bullion.Vaults;
using Microsoft.Playwright;

namespace Bullion.EndToEnd.Tests;

/// <summary>
/// The seed's risk 1, exceeded: concurrent live sessions on different vaults, each writing through the UI while its
/// components also write from timers and background continuations (the add page's draft autosave), never touch
/// another vault.
/// </summary>
public sealed class IsolationTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const int Sessions = 10;

    [Fact]
    public async Task Ten_concurrent_sessions_each_see_and_store_only_their_own_items()
    {
        var sessions = new List<(IBrowserContext Context, IPage Page, VaultId Vault)>();
        for (var i = 0; i < Sessions; i++) sessions.Add(await app.NewVisitorAsync());
        try
        {
            Assert.Equal(Sessions, sessions.Select(s => s.Vault).Distinct().Count());

            await Task.WhenAll(sessions.Select((s, i) => Session(s.Page, i)));

            for (var i = 0; i < Sessions; i++)
            {
                var (_, page, vault) = sessions[i];
                var items = await app.Vaults.ReadAsync(vault, new ListItems());
                Assert.Equal(new[] { $"S{i}-quick", $"S{i}-full" }.Order(), items.Select(x => x.Name).Order());
                Assert.Null(await app.Vaults.ReadAsync(vault, new ReadDraft("new-item")));
                await BrowserApp.OpenAsync(page, "/");
                await Assertions.Expect(page.GetByTestId("item")).ToHaveCountAsync(2);
                var shown = await page.GetByTestId("item").Locator("a.name").AllInnerTextsAsync();
                Assert.All(shown, name => Assert.StartsWith($"S{i}-", name, StringComparison.Ordinal));
            }
        }
        finally
        {
            foreach (var (context, _, _) in sessions) await context.DisposeAsync();
        }
    }

    private async Task Session(IPage page, int i)
    {
        var vault = VaultId.Parse(await page.Locator("[data-vault]").GetAttributeAsync("data-vault"));

        // The full form autosaves a draft from a timer, on the thread pool, for this session's vault.
        await BrowserApp.OpenAsync(page, "/items/new");
        await page.FillAsync("#new-name", $"S{i}-full");
        await page.FillAsync("#new-weight", (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.FillAsync("#new-price", "100");
        await page.FocusAsync("#new-quantity"); // blur the price field: its change event starts the autosave timer
        await Assertions.Expect(page.GetByTestId("draft-status")).ToContainTextAsync("Draft saved");
        var draft = await app.Vaults.ReadAsync(vault, new ReadDraft("new-item"));
        Assert.Equal($"S{i}-full", draft?.Name);

        await page.ClickAsync("button:has-text('Add item')");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"S{i}-full" })).ToBeVisibleAsync();

        await BrowserApp.OpenAsync(page, "/");
        await BrowserApp.QuickAddAsync(page, $"S{i}-quick", "1", "50");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Items (2)" })).ToBeVisibleAsync();
    }
}
