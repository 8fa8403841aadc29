using Bullion.Vaults;

namespace Bullion.Portfolio.Tests;

public sealed class VaultItemsTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bullion-tests", Guid.NewGuid().ToString("N"));
    private VaultHost _host = null!;
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync()
    {
        _host = new VaultHost(new VaultStore(new VaultOptions { RootPath = _folder }, PortfolioSchema.Schema));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static ValidItem Bar(string name, decimal grams = 10m) => new(name, Category.Bar, grams, 99.99m, 1, 1000.10m, new DateOnly(2024, 1, 1), null);

    [Fact]
    public async Task Items_are_stored_exactly_and_listed_newest_first()
    {
        var id = VaultId.New();
        _host.Create(id);

        var first = await _host.WriteAsync(id, new AddItem(Bar("first", 0.1234m), "USD", Now));
        var second = await _host.WriteAsync(id, new AddItem(Bar("second"), "IDR", Now.AddMinutes(1)));
        var items = await _host.ReadAsync(id, new ListItems());

        Assert.Equal([second, first], items.Select(i => i.Id));
        Assert.Equal(0.1234m, items[1].WeightGrams);
        Assert.Equal(1000.10m, items[1].PurchasePrice);
        Assert.Equal("IDR", items[0].Currency);
        Assert.Equal(Now.AddMinutes(1), items[0].CreatedAt);
    }

    [Fact]
    public async Task Edit_and_delete_touch_only_the_named_item()
    {
        var id = VaultId.New();
        _host.Create(id);
        var a = await _host.WriteAsync(id, new AddItem(Bar("a"), "USD", Now));
        var b = await _host.WriteAsync(id, new AddItem(Bar("b"), "USD", Now));

        Assert.True(await _host.WriteAsync(id, new UpdateItem(a, Bar("a2", 20m), Now.AddHours(1))));
        Assert.True(await _host.WriteAsync(id, new DeleteItem(b)));
        Assert.False(await _host.WriteAsync(id, new DeleteItem(b)));
        Assert.False(await _host.WriteAsync(id, new UpdateItem(b, Bar("ghost"), Now)));

        var item = Assert.Single(await _host.ReadAsync(id, new ListItems()));
        Assert.Equal(("a2", 20m, Now, Now.AddHours(1)), (item.Name, item.WeightGrams, item.CreatedAt, item.UpdatedAt));
        Assert.Null(await _host.ReadAsync(id, new GetItem(b)));
    }

    [Fact]
    public async Task Settings_have_defaults_and_persist()
    {
        var id = VaultId.New();
        _host.Create(id);
        Assert.Equal(VaultSettings.Default, await _host.ReadAsync(id, new ReadSettings()));

        var changed = new VaultSettings("IDR", WeightUnit.TroyOunces, 1_350_000.5m, "Family");
        await _host.WriteAsync(id, new SaveSettings(changed));
        Assert.Equal(changed, await _host.ReadAsync(id, new ReadSettings()));

        await _host.WriteAsync(id, new SaveSettings(changed with { ManualPricePerGram = null }));
        Assert.Null((await _host.ReadAsync(id, new ReadSettings())).ManualPricePerGram);
    }

    [Fact]
    public async Task Vaults_never_see_each_others_items()
    {
        var a = VaultId.New();
        var b = VaultId.New();
        _host.Create(a);
        _host.Create(b);

        await _host.WriteAsync(a, new AddItem(Bar("only in a"), "USD", Now));

        Assert.Empty(await _host.ReadAsync(b, new ListItems()));
        Assert.Single(await _host.ReadAsync(a, new ListItems()));
    }
}
