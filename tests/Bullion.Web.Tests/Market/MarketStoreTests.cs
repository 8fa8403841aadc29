using Bullion.Portfolio;
using Bullion.Web.Market;

namespace Bullion.Web.Tests.Market;

/// <summary>The price history on a real SQLite file in a fresh folder.</summary>
public sealed class MarketStoreTests : IDisposable
{
    private static readonly DateTimeOffset Morning = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);

    private readonly TempDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    private string File => Path.Combine(_data.Path, MarketStore.FileName);

    private static PriceSnapshot Snapshot(DateOnly date, DateTimeOffset fetchedAt, decimal usd, decimal idr = 42000000m) =>
        new(date, fetchedAt, "primary test", new Dictionary<string, decimal> { ["USD"] = usd, ["IDR"] = idr, ["BTC"] = 0.03m });

    private async Task<MarketStore> OpenAsync()
    {
        var store = new MarketStore(File, ["USD", "IDR", "EUR"]);
        await store.MigrateAsync();
        return store;
    }

    [Fact]
    public async Task An_empty_history_has_no_latest_snapshot_and_no_points()
    {
        using var store = await OpenAsync();

        Assert.Null(await store.LatestAsync());
        Assert.Empty(await store.HistoryAsync("USD", DateOnly.MinValue, DateOnly.MaxValue));
    }

    [Fact]
    public async Task History_has_one_point_per_feed_date_its_last_fetch_within_the_range()
    {
        using var store = await OpenAsync();
        var day1 = new DateOnly(2026, 12, 1);
        var day2 = new DateOnly(2026, 12, 2);
        var day3 = new DateOnly(2026, 12, 3);
        await store.AddAsync(Snapshot(day1, Morning.AddDays(-2), 2600m));
        await store.AddAsync(Snapshot(day2, Morning.AddDays(-1), 2610m));
        // The same feed date fetched again later with a corrected price: the later fetch is that date's point.
        await store.AddAsync(Snapshot(day2, Morning.AddDays(-1).AddHours(5), 2620m));
        await store.AddAsync(Snapshot(day3, Morning, 2630m));

        var history = await store.HistoryAsync("usd", day2, day3);

        Assert.Equal([(day2, 2620m / Gold.GramsPerTroyOunce), (day3, 2630m / Gold.GramsPerTroyOunce)], history);
        Assert.Empty(await store.HistoryAsync("BTC", day1, day3));
    }

    [Fact]
    public async Task Latest_is_rebuilt_from_the_last_fetch_with_its_stored_currencies_only()
    {
        using var store = await OpenAsync();
        await store.AddAsync(Snapshot(new DateOnly(2026, 12, 2), Morning.AddDays(-1), 2610m));
        var last = Snapshot(new DateOnly(2026, 12, 3), Morning, 2630.123456789m, 42123456.75m);

        var rows = await store.AddAsync(last);
        var latest = await store.LatestAsync();

        Assert.Equal(2, rows);
        Assert.NotNull(latest);
        Assert.Equal(last.Date, latest.Date);
        Assert.Equal(last.FetchedAt, latest.FetchedAt);
        Assert.Equal(last.Source, latest.Source);
        Assert.Equal(new Dictionary<string, decimal> { ["IDR"] = 42123456.75m, ["USD"] = 2630.123456789m }, latest.PerOunce);
    }

    [Fact]
    public async Task Concurrent_adds_are_serialized_and_all_kept()
    {
        using var store = await OpenAsync();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            store.AddAsync(Snapshot(new DateOnly(2026, 11, 1).AddDays(i), Morning.AddDays(i - 40), 2500m + i))));

        var history = await store.HistoryAsync("IDR", DateOnly.MinValue, DateOnly.MaxValue);
        Assert.Equal(20, history.Count);
    }

    [Fact]
    public async Task A_history_from_a_newer_build_is_refused_naming_the_file_and_version()
    {
        using (await OpenAsync())
        {
        }
        using (var db = TempDataFolder.OpenSqlite(File))
        using (var command = db.CreateCommand())
        {
            command.CommandText = "PRAGMA user_version = 7";
            command.ExecuteNonQuery();
        }
        using var store = new MarketStore(File, ["USD"]);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.MigrateAsync());

        Assert.Contains(File, ex.Message, StringComparison.Ordinal);
        Assert.Contains("schema version 7", ex.Message, StringComparison.Ordinal);
    }
}
