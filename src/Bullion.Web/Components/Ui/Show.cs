using System.Globalization;
using Bullion.Portfolio;

namespace Bullion.Web.Components.Ui;

/// <summary>How numbers look on screen: one place, so every page agrees.</summary>
public static class Show
{
    public static string Weight(decimal grams, WeightUnit unit) => unit == WeightUnit.TroyOunces
        ? Gold.Round(Gold.FromGrams(grams, unit), 4).ToString("#,0.####", CultureInfo.InvariantCulture) + " ozt"
        : Gold.Round(grams, 4).ToString("#,0.####", CultureInfo.InvariantCulture) + " g";

    public static string Money(decimal? amount, string currency) => amount is { } a ? Currencies.Format(a, currency) : "—";

    public static string SignedMoney(decimal? amount, string currency) =>
        amount is { } a ? (a > 0 ? "+" : "") + Currencies.Format(a, currency) : "—";

    public static string Percent(decimal? percent) =>
        percent is { } p ? (p > 0 ? "+" : "") + p.ToString("0.00", CultureInfo.InvariantCulture) + " %" : "—";

    public static string Purity(decimal percent) =>
        Gold.KaratOf(percent) is { } karat ? $"{karat} ({percent.ToString("0.##", CultureInfo.InvariantCulture)} %)" : percent.ToString("0.####", CultureInfo.InvariantCulture) + " %";

    /// <summary>A moment, in UTC (the server does not know the reader's zone): "3 Dec 2026, 14:05 UTC".</summary>
    public static string When(DateTimeOffset moment) => moment.UtcDateTime.ToString("d MMM yyyy, HH:mm", CultureInfo.InvariantCulture) + " UTC";

    public static string GainClass(decimal? gain) => gain switch { > 0 => "gain", < 0 => "loss", _ => "" };

    public static string Category(Category category) => category switch
    {
        Portfolio.Category.Bar => "Bar",
        Portfolio.Category.Coin => "Coin",
        Portfolio.Category.Jewelry => "Jewelry",
        _ => "Other",
    };
}
