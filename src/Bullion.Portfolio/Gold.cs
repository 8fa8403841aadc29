using System.Globalization;

namespace Bullion.Portfolio;

public enum Category
{
    Bar,
    Coin,
    Jewelry,
    Other,
}

public enum WeightUnit
{
    Grams,
    TroyOunces,
}

/// <summary>Weights, purities and money are decimals; every rounding is half away from zero (never banker's).</summary>
public static class Gold
{
    /// <summary>Grams in one troy ounce (exact by definition: 31.1034768 g, commonly 31.1035 — the product's figure).</summary>
    public const decimal GramsPerTroyOunce = 31.1035m;

    /// <summary>Karat presets as purity percentages.</summary>
    public static IReadOnlyDictionary<string, decimal> Karats { get; } = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase)
    {
        ["24K"] = 99.99m,
        ["22K"] = 91.67m,
        ["18K"] = 75.00m,
        ["14K"] = 58.33m,
    };

    public static decimal Round(decimal value, int decimals) => Math.Round(value, decimals, MidpointRounding.AwayFromZero);

    public static decimal ToGrams(decimal weight, WeightUnit unit) =>
        unit == WeightUnit.TroyOunces ? weight * GramsPerTroyOunce : weight;

    public static decimal FromGrams(decimal grams, WeightUnit unit) =>
        unit == WeightUnit.TroyOunces ? grams / GramsPerTroyOunce : grams;

    /// <summary>pure grams = weight(g) × purity% / 100 × quantity, to 4 decimals.</summary>
    public static decimal PureGrams(decimal weightGrams, decimal purityPercent, int quantity) =>
        Round(weightGrams * purityPercent / 100m * quantity, 4);

    /// <summary>value = pure grams × spot price per gram, to 2 decimals.</summary>
    public static decimal Value(decimal pureGrams, decimal pricePerGram) => Round(pureGrams * pricePerGram, 2);

    /// <summary>gain % = gain / price paid × 100, to 2 decimals; none when nothing was paid (a gift).</summary>
    public static decimal? GainPercent(decimal gain, decimal pricePaid) =>
        pricePaid == 0 ? null : Round(gain / pricePaid * 100m, 2);

    /// <summary>The karat name for a preset purity, or null for a custom percentage.</summary>
    public static string? KaratOf(decimal purityPercent) =>
        Karats.FirstOrDefault(k => k.Value == purityPercent).Key;

    internal static string Store(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    internal static decimal Load(string text) => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);
}

/// <summary>Valuation of one item or a whole portfolio at one price per gram (null when there is no price).</summary>
public sealed record Valuation(decimal PureGrams, decimal Invested, decimal? Value)
{
    public decimal? Gain => Value - Invested;

    public decimal? GainPercent => Gain is { } gain ? Gold.GainPercent(gain, Invested) : null;

    public static Valuation Of(Item item, decimal? pricePerGram)
    {
        ArgumentNullException.ThrowIfNull(item);
        var pure = Gold.PureGrams(item.WeightGrams, item.PurityPercent, item.Quantity);
        return new Valuation(pure, item.PurchasePrice, pricePerGram is { } p ? Gold.Value(pure, p) : null);
    }

    /// <summary>Totals are sums of the per-item (already rounded) figures, so the list and the total always agree.</summary>
    public static Valuation Total(IEnumerable<Item> items, decimal? pricePerGram)
    {
        ArgumentNullException.ThrowIfNull(items);
        decimal pure = 0, invested = 0, value = 0;
        foreach (var item in items)
        {
            var v = Of(item, pricePerGram);
            pure += v.PureGrams;
            invested += v.Invested;
            value += v.Value ?? 0;
        }
        return new Valuation(pure, invested, pricePerGram is null ? null : value);
    }
}
