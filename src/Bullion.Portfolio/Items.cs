using System.Globalization;
using Bullion.Vaults;
using Microsoft.Data.Sqlite;

namespace Bullion.Portfolio;

/// <summary>A stored item. Weight is in grams whatever unit it was entered in.</summary>
public sealed record Item(
    long Id, string Name, Category Category, decimal WeightGrams, decimal PurityPercent, int Quantity,
    decimal PurchasePrice, string Currency, DateOnly? PurchaseDate, string? Notes, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// What a user typed, as text, exactly as a form holds it. <see cref="Validate"/> turns it into a <see cref="ValidItem"/>
/// or into messages per field; nothing invalid ever reaches a vault.
/// </summary>
public sealed class ItemInput
{
    public string? Name { get; set; }
    public string? Category { get; set; } = nameof(Portfolio.Category.Bar);
    public string? Weight { get; set; }
    public string? WeightUnit { get; set; } = nameof(Portfolio.WeightUnit.Grams);
    /// <summary>"24K", "22K", "18K", "14K" or "custom".</summary>
    public string? Purity { get; set; } = "24K";
    public string? CustomPurity { get; set; }
    public string? Quantity { get; set; } = "1";
    public string? PurchasePrice { get; set; }
    public string? PurchaseDate { get; set; }
    public string? Notes { get; set; }

    public const int MaxNotes = 2000;

    public static ItemInput From(Item item, WeightUnit unit)
    {
        ArgumentNullException.ThrowIfNull(item);
        var karat = Gold.KaratOf(item.PurityPercent);
        return new ItemInput
        {
            Name = item.Name,
            Category = item.Category.ToString(),
            Weight = Gold.Round(Gold.FromGrams(item.WeightGrams, unit), 4).ToString("0.####", CultureInfo.InvariantCulture),
            WeightUnit = unit.ToString(),
            Purity = karat ?? "custom",
            CustomPurity = karat is null ? item.PurityPercent.ToString("0.####", CultureInfo.InvariantCulture) : null,
            Quantity = item.Quantity.ToString(CultureInfo.InvariantCulture),
            PurchasePrice = item.PurchasePrice.ToString("0.##", CultureInfo.InvariantCulture),
            PurchaseDate = item.PurchaseDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Notes = item.Notes,
        };
    }

    /// <summary>Checks every field; returns the valid item, or the message for each bad field (keyed by property name).</summary>
    public ValidationResult Validate(DateOnly today)
    {
        var errors = new Dictionary<string, string>();
        var name = Name?.Trim() ?? "";
        if (name.Length == 0) errors[nameof(Name)] = "Give the item a name.";
        else if (name.Length > 100) errors[nameof(Name)] = "Keep the name to 100 characters or fewer.";

        if (!Enum.TryParse<Category>(Category, ignoreCase: true, out var category) || !Enum.IsDefined(category))
            errors[nameof(Category)] = "Choose bar, coin, jewelry or other.";

        if (!Enum.TryParse<WeightUnit>(WeightUnit, ignoreCase: true, out var unit) || !Enum.IsDefined(unit))
            errors[nameof(WeightUnit)] = "Choose grams or troy ounces.";
        if (!TryDecimal(Weight, out var weight) || weight <= 0)
            errors[nameof(Weight)] = "Enter a weight greater than 0.";
        else if (weight > 1_000_000m)
            errors[nameof(Weight)] = "That weight is too large.";

        decimal purity = 0;
        if (string.Equals(Purity, "custom", StringComparison.OrdinalIgnoreCase))
        {
            if (!TryDecimal(CustomPurity, out purity) || purity <= 0 || purity > 100)
                errors[nameof(CustomPurity)] = "Enter a purity above 0 and at most 100 %.";
        }
        else if (Purity is null || !Gold.Karats.TryGetValue(Purity, out purity))
        {
            errors[nameof(Purity)] = "Choose 24K, 22K, 18K, 14K or a custom purity.";
        }

        if (!int.TryParse(Quantity?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var quantity) || quantity <= 0)
            errors[nameof(Quantity)] = "Enter a whole number of at least 1.";
        else if (quantity > 1_000_000)
            errors[nameof(Quantity)] = "That quantity is too large.";

        if (!TryDecimal(PurchasePrice, out var price) || price < 0)
            errors[nameof(PurchasePrice)] = "Enter what you paid (0 for a gift).";
        else if (price > 1_000_000_000_000m)
            errors[nameof(PurchasePrice)] = "That price is too large.";

        DateOnly? date = null;
        if (!string.IsNullOrWhiteSpace(PurchaseDate))
        {
            if (!DateOnly.TryParseExact(PurchaseDate.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                errors[nameof(PurchaseDate)] = "Enter a date as YYYY-MM-DD.";
            else if (d > today)
                errors[nameof(PurchaseDate)] = "The purchase date cannot be in the future.";
            else if (d.Year < 1900)
                errors[nameof(PurchaseDate)] = "Enter a date after 1900.";
            else date = d;
        }

        var notes = string.IsNullOrWhiteSpace(Notes) ? null : Notes.Trim();
        if (notes?.Length > MaxNotes) errors[nameof(Notes)] = $"Keep notes to {MaxNotes} characters or fewer.";

        if (errors.Count > 0) return new ValidationResult(null, errors);
        return new ValidationResult(new ValidItem(name, category, Gold.ToGrams(weight, unit), purity, quantity, price, date, notes), errors);
    }

    private static bool TryDecimal(string? text, out decimal value) =>
        decimal.TryParse(text?.Trim(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out value);
}

public sealed record ValidationResult(ValidItem? Item, IReadOnlyDictionary<string, string> Errors)
{
    public bool IsValid => Item is not null;
}

/// <summary>An item that passed validation; only this reaches a vault.</summary>
public sealed record ValidItem(
    string Name, Category Category, decimal WeightGrams, decimal PurityPercent, int Quantity,
    decimal PurchasePrice, DateOnly? PurchaseDate, string? Notes);
