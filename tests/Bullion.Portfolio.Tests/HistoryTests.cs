namespace Bullion.Portfolio.Tests;

public class HistoryTests
{
    private static Item Item(string name, Category category, decimal grams, decimal paid, DateOnly? bought, DateTimeOffset? recorded = null) =>
        new(1, name, category, grams, 100m, 1, paid, "USD", bought, null, recorded ?? DateTimeOffset.UnixEpoch, recorded ?? DateTimeOffset.UnixEpoch);

    [Fact]
    public void Value_over_time_counts_each_item_from_its_purchase_date()
    {
        Item[] items =
        [
            Item("bar", Category.Bar, 10m, 500m, new DateOnly(2026, 1, 2)),
            Item("coin", Category.Coin, 5m, 300m, new DateOnly(2026, 1, 4)),
        ];
        (DateOnly, decimal)[] prices =
        [
            (new DateOnly(2026, 1, 1), 50m),
            (new DateOnly(2026, 1, 2), 51m),
            (new DateOnly(2026, 1, 3), 52.333m),
            (new DateOnly(2026, 1, 4), 53m),
        ];

        var points = History.ValueOverTime(items, prices);

        Assert.Equal(
        [
            new PortfolioPoint(new DateOnly(2026, 1, 1), 0m, 0m, 0m),
            new PortfolioPoint(new DateOnly(2026, 1, 2), 10m, 510m, 500m),
            new PortfolioPoint(new DateOnly(2026, 1, 3), 10m, 523.33m, 500m),
            new PortfolioPoint(new DateOnly(2026, 1, 4), 15m, 795m, 800m),
        ], points);
    }

    [Fact]
    public void An_item_without_a_purchase_date_counts_from_the_day_it_was_recorded()
    {
        var items = new[] { Item("gift", Category.Jewelry, 2m, 0m, null, new DateTimeOffset(2026, 3, 10, 23, 0, 0, TimeSpan.Zero)) };
        (DateOnly, decimal)[] prices = [(new DateOnly(2026, 3, 9), 10m), (new DateOnly(2026, 3, 10), 10m)];

        var points = History.ValueOverTime(items, prices);

        Assert.Equal([0m, 20m], points.Select(p => p.Value));
    }

    [Fact]
    public void Prices_in_any_order_give_a_chronological_series()
    {
        var points = History.ValueOverTime([], [(new DateOnly(2026, 1, 3), 1m), (new DateOnly(2026, 1, 1), 1m)]);

        Assert.Equal([new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 3)], points.Select(p => p.Date));
    }

    [Fact]
    public void Allocation_is_by_pure_gold_largest_first()
    {
        Item[] items =
        [
            Item("ring", Category.Jewelry, 1m, 0m, null),
            Item("bar", Category.Bar, 6m, 0m, null),
            Item("coin", Category.Coin, 2m, 0m, null),
            Item("bar 2", Category.Bar, 1m, 0m, null),
        ];

        var slices = History.Allocation(items);

        Assert.Equal([Category.Bar, Category.Coin, Category.Jewelry], slices.Select(s => s.Category));
        Assert.Equal([70m, 20m, 10m], slices.Select(s => s.Percent));
        Assert.Equal(7m, slices[0].PureGrams);
    }
}
