namespace Bullion.Portfolio;

/// <summary>One day of the portfolio: what the gold held that day was worth, and what it had cost.</summary>
public readonly record struct PortfolioPoint(DateOnly Date, decimal PureGrams, decimal Value, decimal Invested);

/// <summary>A category's share of the pure gold held.</summary>
public readonly record struct AllocationSlice(Category Category, decimal PureGrams, decimal Percent);

/// <summary>
/// Pictures computed from the items and the global price history — nothing is stored per vault, and no background
/// job writes to vaults to draw them.
/// </summary>
public static class History
{
    /// <summary>
    /// For each priced day, the value of the items held that day: an item counts from its purchase date (or, without
    /// one, from the day it was recorded). Value = pure grams held × that day's price per gram, to 2 decimals.
    /// </summary>
    public static IReadOnlyList<PortfolioPoint> ValueOverTime(IEnumerable<Item> items, IEnumerable<(DateOnly Date, decimal PerGram)> prices)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(prices);
        var held = items
            .Select(i => (Since: i.PurchaseDate ?? DateOnly.FromDateTime(i.CreatedAt.UtcDateTime), Pure: Gold.PureGrams(i.WeightGrams, i.PurityPercent, i.Quantity), Paid: i.PurchasePrice))
            .OrderBy(h => h.Since)
            .ToArray();
        var points = new List<PortfolioPoint>();
        decimal pure = 0, invested = 0;
        var next = 0;
        foreach (var (date, perGram) in prices.OrderBy(p => p.Date))
        {
            // Items are sorted by their start date: add each once, as the days pass it.
            while (next < held.Length && held[next].Since <= date)
            {
                pure += held[next].Pure;
                invested += held[next].Paid;
                next++;
            }
            points.Add(new PortfolioPoint(date, pure, Gold.Value(pure, perGram), invested));
        }
        return points;
    }

    /// <summary>Pure gold per category, largest first; percentages to 1 decimal (half away from zero).</summary>
    public static IReadOnlyList<AllocationSlice> Allocation(IEnumerable<Item> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var byCategory = items
            .GroupBy(i => i.Category)
            .Select(g => (Category: g.Key, Pure: g.Sum(i => Gold.PureGrams(i.WeightGrams, i.PurityPercent, i.Quantity))))
            .Where(s => s.Pure > 0)
            .OrderByDescending(s => s.Pure)
            .ThenBy(s => s.Category)
            .ToArray();
        var total = byCategory.Sum(s => s.Pure);
        return byCategory.Select(s => new AllocationSlice(s.Category, s.Pure, total == 0 ? 0 : Gold.Round(s.Pure / total * 100m, 1))).ToArray();
    }
}
