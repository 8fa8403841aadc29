using System.Globalization;

namespace Bullion.Web.Tests.Market;

/// <summary>Feed documents in the shape of the public "currency-api" <c>currencies/xau.json</c>.</summary>
internal static class Documents
{
    /// <summary>A field the feed does not use: it must never reach a log line or <c>market.db</c>.</summary>
    public const string Marker = "raw-body-marker-5f1c";

    public static readonly DateOnly Day1 = new(2026, 12, 3);
    public static readonly DateOnly Day2 = new(2026, 12, 4);

    /// <summary>
    /// USD and IDR (required), EUR (stored), BTC (offered, not stored), and a token with an unusable quote, which is
    /// dropped rather than vetoing the document.
    /// </summary>
    public static string Good(DateOnly date, decimal usd = 2650.1m, decimal idr = 42000000.5m, decimal eur = 2500.25m) =>
        $$$"""
        {"date":"{{{date:yyyy-MM-dd}}}","note":"{{{Marker}}}","xau":{"usd":{{{N(usd)}}},"idr":{{{N(idr)}}},"eur":{{{N(eur)}}},"btc":0.0271,"weirdtoken":"n/a"}}
        """;

    public static string N(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
