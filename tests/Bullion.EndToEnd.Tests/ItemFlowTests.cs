using Bullion.Portfolio;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;

namespace Bullion.EndToEnd.Tests;

public sealed class ItemFlowTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task A_new_visitor_lands_on_an_empty_dashboard_with_a_welcome()
    {
        var (context, page, vault) = await app.NewVisitorAsync();
        await using var _ = context;

        await Assertions.Expect(page.GetByTestId("welcome")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Items (0)" })).ToBeVisibleAsync();
        Assert.True(File.Exists(app.VaultFile(vault)));
    }

    [Fact]
    public async Task Add_open_edit_and_delete_an_item()
    {
        var (context, page, vault) = await app.NewVisitorAsync();
        await using var _ = context;

        // Quick add on the dashboard.
        await BrowserApp.QuickAddAsync(page, "Antam 10 g bar", "10", "1500");
        await Assertions.Expect(page.GetByTestId("total-pure")).ToHaveTextAsync("9.999 g");

        // Detail, then edit.
        await page.ClickAsync("a:has-text('Antam 10 g bar')");
        await Assertions.Expect(page.GetByTestId("pure")).ToHaveTextAsync("9.999 g");
        await page.ClickAsync("a:has-text('Edit')");
        await Assertions.Expect(page.Locator("#edit-name")).ToHaveValueAsync("Antam 10 g bar");
        await page.FillAsync("#edit-name", "Antam 20 g bar");
        await page.FillAsync("#edit-weight", "20");
        await page.ClickAsync("button:has-text('Save changes')");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Antam 20 g bar" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("pure")).ToHaveTextAsync("19.998 g");

        var stored = Assert.Single(await app.Vaults.ReadAsync(vault, new ListItems()));
        Assert.Equal(("Antam 20 g bar", 20m, 1500m), (stored.Name, stored.WeightGrams, stored.PurchasePrice));

        // Delete asks first, naming the item.
        await page.ClickAsync("button:has-text('Delete')");
        await Assertions.Expect(page.GetByRole(AriaRole.Alertdialog)).ToContainTextAsync("Delete “Antam 20 g bar”?");
        await page.GetByTestId("confirm-delete").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Items (0)" })).ToBeVisibleAsync();
        Assert.Empty(await app.Vaults.ReadAsync(vault, new ListItems()));
    }

    [Fact]
    public async Task Invalid_input_shows_messages_next_to_the_fields_and_saves_nothing()
    {
        var (context, page, vault) = await app.NewVisitorAsync();
        await using var _ = context;
        await BrowserApp.OpenAsync(page, "/items/new");

        await page.FillAsync("#new-name", "");
        await page.FillAsync("#new-weight", "0");
        await page.FillAsync("#new-quantity", "1.5");
        await page.FillAsync("#new-price", "-3");
        await page.ClickAsync("button:has-text('Add item')");

        await Assertions.Expect(page.Locator("#new-name-error")).ToHaveTextAsync("Give the item a name.");
        await Assertions.Expect(page.Locator("#new-weight-error")).ToHaveTextAsync("Enter a weight greater than 0.");
        await Assertions.Expect(page.Locator("#new-quantity-error")).ToHaveTextAsync("Enter a whole number of at least 1.");
        await Assertions.Expect(page.Locator("#new-price-error")).ToHaveTextAsync("Enter what you paid (0 for a gift).");
        await Assertions.Expect(page.Locator("#new-weight")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Empty(await app.Vaults.ReadAsync(vault, new ListItems()));

        // Fixing the fields saves it once.
        await page.FillAsync("#new-name", "Coin");
        await page.FillAsync("#new-weight", "1");
        await page.SelectOptionAsync("select[aria-label='Weight unit'] >> nth=0", "TroyOunces");
        await page.FillAsync("#new-quantity", "2");
        await page.FillAsync("#new-price", "0");
        await page.ClickAsync("button:has-text('Add item')");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Coin" })).ToBeVisibleAsync();
        var item = Assert.Single(await app.Vaults.ReadAsync(vault, new ListItems()));
        Assert.Equal((31.1035m, 2, 0m), (item.WeightGrams, item.Quantity, item.PurchasePrice));
    }

    [Fact]
    public async Task Download_my_vault_gives_a_plain_sqlite_file_named_with_the_vault_id()
    {
        var (context, page, vault) = await app.NewVisitorAsync();
        await using var _ = context;
        await BrowserApp.QuickAddAsync(page, "Exported bar", "5", "700");
        await BrowserApp.OpenAsync(page, "/settings");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export").ClickAsync());

        Assert.Matches($"^bullion-{vault}-\\d{{4}}-\\d{{2}}-\\d{{2}}\\.db$", download.SuggestedFilename);
        var path = Path.Combine(app.DataPath, "download-" + Guid.NewGuid().ToString("N") + ".db");
        await download.SaveAsAsync(path);
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM items";
        Assert.Equal("Exported bar", command.ExecuteScalar());
    }
}

public sealed class ImportTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task An_exported_vault_imported_into_another_replaces_its_items_after_confirmation()
    {
        var (sourceContext, source, _) = await app.NewVisitorAsync();
        await using var _ = sourceContext;
        await BrowserApp.QuickAddAsync(source, "Heirloom coin", "7.98", "0");
        await BrowserApp.OpenAsync(source, "/settings");
        var download = await source.RunAndWaitForDownloadAsync(() => source.GetByTestId("export").ClickAsync());
        var file = Path.Combine(app.DataPath, "import-" + Guid.NewGuid().ToString("N") + ".db");
        await download.SaveAsAsync(file);

        var (targetContext, target, targetVault) = await app.NewVisitorAsync();
        await using var __ = targetContext;
        await BrowserApp.QuickAddAsync(target, "Replaced bar", "1", "10");
        await BrowserApp.OpenAsync(target, "/settings");

        await target.SetInputFilesAsync("#import-file", file);
        await Assertions.Expect(target.GetByRole(AriaRole.Alertdialog)).ToContainTextAsync("Replace this vault");
        await target.GetByTestId("confirm-import").ClickAsync();
        await Assertions.Expect(target.GetByTestId("import-result")).ToContainTextAsync("Imported.");

        var items = await app.Vaults.ReadAsync(targetVault, new ListItems());
        Assert.Equal(["Heirloom coin"], items.Select(i => i.Name));
        await BrowserApp.OpenAsync(target, "/");
        await Assertions.Expect(target.GetByRole(AriaRole.Link, new() { Name = "Heirloom coin" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_file_that_is_not_a_vault_is_refused_with_the_reason_and_changes_nothing()
    {
        var (context, page, vault) = await app.NewVisitorAsync();
        await using var _ = context;
        await BrowserApp.QuickAddAsync(page, "Kept bar", "1", "10");
        await BrowserApp.OpenAsync(page, "/settings");

        await page.SetInputFilesAsync("#import-file", new FilePayload { Name = "notes.db", MimeType = "application/octet-stream", Buffer = System.Text.Encoding.UTF8.GetBytes(new string('x', 4096)) });
        await page.GetByTestId("confirm-import").ClickAsync();

        await Assertions.Expect(page.GetByTestId("import-result")).ToContainTextAsync("Import refused: the file is not a SQLite database.");
        Assert.Equal(["Kept bar"], (await app.Vaults.ReadAsync(vault, new ListItems())).Select(i => i.Name));
    }
}
