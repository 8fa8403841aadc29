namespace Bullion.Portfolio.Tests;

public class ItemInputTests
{
    private static readonly DateOnly Today = new(2026, 12, 4);

    private static ItemInput Valid() => new()
    {
        Name = "  Antam 10 g bar ",
        Category = "bar",
        Weight = "10",
        WeightUnit = "Grams",
        Purity = "24K",
        Quantity = "2",
        PurchasePrice = "1,500.50",
        PurchaseDate = "2024-03-01",
        Notes = "safe box",
    };

    [Fact]
    public void A_valid_form_becomes_a_valid_item_in_grams()
    {
        var result = Valid().Validate(Today);

        Assert.True(result.IsValid);
        Assert.Equal(new ValidItem("Antam 10 g bar", Category.Bar, 10m, 99.99m, 2, 1500.50m, new DateOnly(2024, 3, 1), "safe box"), result.Item);
    }

    [Fact]
    public void Troy_ounces_are_stored_as_grams_and_custom_purity_is_kept()
    {
        var input = Valid();
        input.Weight = "1";
        input.WeightUnit = "TroyOunces";
        input.Purity = "custom";
        input.CustomPurity = "90";

        var item = input.Validate(Today).Item!;

        Assert.Equal(31.1035m, item.WeightGrams);
        Assert.Equal(90m, item.PurityPercent);
    }

    [Theory]
    [InlineData(nameof(ItemInput.Name), "")]
    [InlineData(nameof(ItemInput.Name), "   ")]
    [InlineData(nameof(ItemInput.Weight), "0")]
    [InlineData(nameof(ItemInput.Weight), "-1")]
    [InlineData(nameof(ItemInput.Weight), "ten")]
    [InlineData(nameof(ItemInput.Weight), "NaN")]
    [InlineData(nameof(ItemInput.Quantity), "0")]
    [InlineData(nameof(ItemInput.Quantity), "1.5")]
    [InlineData(nameof(ItemInput.Quantity), "-2")]
    [InlineData(nameof(ItemInput.PurchasePrice), "-0.01")]
    [InlineData(nameof(ItemInput.PurchasePrice), "")]
    [InlineData(nameof(ItemInput.PurchaseDate), "2027-01-01")]
    [InlineData(nameof(ItemInput.PurchaseDate), "01/03/2024")]
    [InlineData(nameof(ItemInput.Category), "ingot")]
    [InlineData(nameof(ItemInput.Category), "7")]
    [InlineData(nameof(ItemInput.Purity), "25K")]
    [InlineData(nameof(ItemInput.WeightUnit), "pounds")]
    public void Each_bad_field_gets_its_own_message(string field, string value)
    {
        var input = Valid();
        typeof(ItemInput).GetProperty(field)!.SetValue(input, value);

        var result = input.Validate(Today);

        Assert.False(result.IsValid);
        Assert.Equal([field], result.Errors.Keys);
        Assert.False(string.IsNullOrWhiteSpace(result.Errors[field]));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100.01")]
    [InlineData("")]
    public void A_custom_purity_must_be_above_0_and_at_most_100(string purity)
    {
        var input = Valid();
        input.Purity = "custom";
        input.CustomPurity = purity;

        Assert.Equal([nameof(ItemInput.CustomPurity)], input.Validate(Today).Errors.Keys);
    }

    [Fact]
    public void A_name_of_101_characters_is_refused_and_100_accepted()
    {
        var input = Valid();
        input.Name = new string('a', 101);
        Assert.False(input.Validate(Today).IsValid);
        input.Name = new string('a', 100);
        Assert.True(input.Validate(Today).IsValid);
    }

    [Fact]
    public void A_gift_costs_zero()
    {
        var input = Valid();
        input.PurchasePrice = "0";
        Assert.Equal(0m, input.Validate(Today).Item!.PurchasePrice);
    }

    [Fact]
    public void An_item_round_trips_through_the_edit_form()
    {
        var item = new Item(7, "Coin", Category.Coin, 31.1035m, 91.67m, 3, 2000m, "USD", new DateOnly(2020, 1, 2), null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        var input = ItemInput.From(item, WeightUnit.TroyOunces);

        Assert.Equal("1", input.Weight);
        Assert.Equal("22K", input.Purity);
        var valid = input.Validate(Today).Item!;
        Assert.Equal((item.Name, item.Category, item.WeightGrams, item.PurityPercent, item.Quantity, item.PurchasePrice, item.PurchaseDate),
            (valid.Name, valid.Category, valid.WeightGrams, valid.PurityPercent, valid.Quantity, valid.PurchasePrice, valid.PurchaseDate));
    }
}
