namespace Bullion.Portfolio.Tests;

public class GoldTests
{
    [Fact]
    public void Pure_grams_are_weight_times_purity_times_quantity_to_four_decimals()
    {
        Assert.Equal(99.99m, Gold.PureGrams(100m, 99.99m, 1));
        Assert.Equal(45.835m, Gold.PureGrams(25m, 91.67m, 2));
        // 31.1035 g × 58.33 % = 18.14267155 → 18.1427
        Assert.Equal(18.1427m, Gold.PureGrams(31.1035m, 58.33m, 1));
    }

    [Fact]
    public void Rounding_is_half_away_from_zero_not_bankers()
    {
        // 0.00005 is a tie at 4 decimals: banker's rounding would give 0.0000.
        Assert.Equal(0.0001m, Gold.PureGrams(0.0001m, 50m, 1));
        Assert.Equal(0.03m, Gold.Value(0.025m, 1m)); // banker's: 0.02
        Assert.Equal(-0.03m, Gold.Round(-0.025m, 2));
    }

    [Fact]
    public void Troy_ounces_convert_at_31_1035_grams()
    {
        Assert.Equal(31.1035m, Gold.ToGrams(1m, WeightUnit.TroyOunces));
        Assert.Equal(10m, Gold.ToGrams(10m, WeightUnit.Grams));
        Assert.Equal(2m, Gold.FromGrams(62.207m, WeightUnit.TroyOunces));
    }

    [Fact]
    public void An_item_is_valued_at_the_price_per_gram_with_gain_and_percent()
    {
        var item = Item(weight: 10m, purity: 99.99m, quantity: 2, paid: 1_500m);

        var valuation = Valuation.Of(item, pricePerGram: 85.25m);

        Assert.Equal(19.998m, valuation.PureGrams);
        Assert.Equal(1704.83m, valuation.Value); // 19.998 × 85.25 = 1704.8295
        Assert.Equal(204.83m, valuation.Gain);
        Assert.Equal(13.66m, valuation.GainPercent); // 204.83 / 1500 = 13.6553 %
    }

    [Fact]
    public void A_gift_has_a_gain_but_no_gain_percent()
    {
        var valuation = Valuation.Of(Item(weight: 1m, purity: 75m, quantity: 1, paid: 0m), 100m);

        Assert.Equal(75m, valuation.Value);
        Assert.Equal(75m, valuation.Gain);
        Assert.Null(valuation.GainPercent);
    }

    [Fact]
    public void Without_a_price_there_is_no_value_and_no_gain_never_a_zero()
    {
        var valuation = Valuation.Total([Item(1m, 99.99m, 1, 10m)], pricePerGram: null);

        Assert.Null(valuation.Value);
        Assert.Null(valuation.Gain);
        Assert.Equal(0.9999m, valuation.PureGrams);
        Assert.Equal(10m, valuation.Invested);
    }

    [Fact]
    public void Totals_are_the_sum_of_the_rows()
    {
        Item[] items = [Item(10m, 99.99m, 1, 900m), Item(5m, 91.67m, 3, 1200m), Item(2.5m, 58.33m, 1, 0m)];

        var total = Valuation.Total(items, 80m);

        Assert.Equal(items.Sum(i => Valuation.Of(i, 80m).Value), total.Value);
        Assert.Equal(2100m, total.Invested);
        Assert.Equal(9.999m + 13.7505m + 1.4583m, total.PureGrams);
    }

    [Theory]
    [InlineData(1234.5, "USD", "USD 1,234.50")]
    [InlineData(0.005, "USD", "USD 0.01")]
    [InlineData(42000000.5, "IDR", "IDR 42,000,001")]
    [InlineData(-1500, "IDR", "IDR -1,500")]
    public void Money_is_formatted_per_currency(decimal amount, string currency, string expected)
    {
        Assert.Equal(expected, Currencies.Format(amount, currency));
    }

    internal static Item Item(decimal weight, decimal purity, int quantity, decimal paid) =>
        new(1, "x", Category.Bar, weight, purity, quantity, paid, "USD", null, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
}
