using Microsoft.Playwright;

namespace Bullion.EndToEnd.Tests;

public sealed class LiveTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Two_tabs_of_one_vault_see_each_others_changes_without_reload_and_other_vaults_do_not()
    {
        var (context, first, vault) = await app.NewVisitorAsync();
        await using var _ = context;
        var second = await context.NewPageAsync();
        await BrowserApp.OpenAsync(second, "/");
        var (strangerContext, stranger, _) = await app.NewVisitorAsync();
        await using var __ = strangerContext;

        await BrowserApp.QuickAddAsync(first, "Shared bar", "1", "100");

        await Assertions.Expect(second.GetByRole(AriaRole.Link, new() { Name = "Shared bar" })).ToBeVisibleAsync();
        await Assertions.Expect(second.GetByRole(AriaRole.Heading, new() { Name = "Items (1)" })).ToBeVisibleAsync();
        await Assertions.Expect(stranger.GetByRole(AriaRole.Heading, new() { Name = "Items (0)" })).ToBeVisibleAsync();
        Assert.Equal(0, await stranger.GetByRole(AriaRole.Link, new() { Name = "Shared bar" }).CountAsync());
    }
}
