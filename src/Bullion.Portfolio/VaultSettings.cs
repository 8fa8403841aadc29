using System.Globalization;
using Bullion.Vaults;
using Microsoft.Data.Sqlite;

namespace Bullion.Portfolio;

/// <summary>Per-vault preferences. A manual price (per gram, in <see cref="Currency"/>) works with no feed at all.</summary>
public sealed record VaultSettings(string Currency, WeightUnit WeightUnit, decimal? ManualPricePerGram, string? Label)
{
    public static VaultSettings Default { get; } = new("USD", WeightUnit.Grams, null, null);
}

public sealed record ReadSettings : IVaultRead<VaultSettings>
{
    public VaultSettings Execute(SqliteConnection connection)
    {
        var command = connection.Cached("SELECT key, value FROM settings");
        using var reader = command.ExecuteReader();
        var settings = VaultSettings.Default;
        while (reader.Read())
        {
            var value = reader.GetString(1);
            settings = reader.GetString(0) switch
            {
                "currency" => settings with { Currency = value },
                "weight_unit" when Enum.TryParse<WeightUnit>(value, out var unit) => settings with { WeightUnit = unit },
                "manual_price_per_gram" => settings with { ManualPricePerGram = Gold.Load(value) },
                "label" => settings with { Label = value },
                _ => settings, // a setting this build does not know (written by a newer one): keep it, ignore it
            };
        }
        return settings;
    }
}

/// <summary>Saves every setting at once (one write, so a reader never sees half of a change).</summary>
public sealed record SaveSettings(VaultSettings Settings) : IVaultWrite<bool>
{
    public bool Execute(SqliteConnection connection)
    {
        Set(connection, "currency", Settings.Currency);
        Set(connection, "weight_unit", Settings.WeightUnit.ToString());
        Set(connection, "manual_price_per_gram", Settings.ManualPricePerGram is { } p ? Gold.Store(p) : null);
        Set(connection, "label", Settings.Label);
        return true;
    }

    /// <summary>Writes one settings row, or removes it for null: the one upsert every settings-table write uses.</summary>
    internal static void Set(SqliteConnection connection, string key, string? value)
    {
        var command = value is null
            ? connection.Cached("DELETE FROM settings WHERE key = $key", "$key")
            : connection.Cached("INSERT INTO settings (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value", "$key", "$value");
        command.Parameters["$key"].Value = key;
        if (value is not null) command.Parameters["$value"].Value = value;
        command.ExecuteNonQuery();
    }
}

public static class Currencies
{
    /// <summary>ISO 4217 code: three letters, stored upper case.</summary>
    public static bool TryNormalize(string? code, out string normalized)
    {
        normalized = code?.Trim().ToUpperInvariant() ?? "";
        return normalized.Length == 3 && normalized.All(char.IsAsciiLetterUpper);
    }

    /// <summary>Decimals shown for a currency: IDR and other zero-decimal currencies show none.</summary>
    public static int Decimals(string currency) => currency switch
    {
        "IDR" or "JPY" or "KRW" or "VND" or "CLP" or "ISK" or "HUF" => 0,
        _ => 2,
    };

    /// <summary>"USD 1,234.50" / "IDR 42,000,000": thousands separators, half-away rounding, code first (unambiguous).</summary>
    public static string Format(decimal amount, string currency)
    {
        var decimals = Decimals(currency);
        var rounded = Gold.Round(amount, decimals);
        var text = rounded.ToString(decimals == 0 ? "#,0" : "#,0.00", CultureInfo.InvariantCulture);
        return $"{currency} {text}";
    }
}
