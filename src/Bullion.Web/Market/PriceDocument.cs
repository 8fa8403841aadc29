using System.Globalization;
using System.Text.Json;

namespace Bullion.Web.Market;

/// <summary>The outcome of reading one feed document: a snapshot, or the reason it was refused.</summary>
public sealed record PriceReading(PriceSnapshot? Snapshot, string? Rejection, IReadOnlyList<string> Dropped)
{
    public static PriceReading Rejected(string reason) => new(null, reason, []);
}

/// <summary>
/// Reads and checks a "currency-api" document, <c>{"date":"2026-12-03","xau":{"usd":2650.1,"idr":42000000.5,…}}</c>:
/// the price of one troy ounce in each currency. Reasons never quote the document: only what was wrong, and where.
/// </summary>
public static class PriceDocument
{
    private const string DateFormat = "yyyy-MM-dd";

    /// <summary>
    /// Rejects malformed JSON, a missing <c>date</c> or <c>xau</c>, a required currency missing or quoted as anything
    /// but a positive number, and a move beyond <see cref="PriceFeedOptions.MaxMoveFactor"/> from <paramref name="lastGood"/>
    /// in any required or stored currency. Other currencies with an unusable quote are dropped (listed in
    /// <see cref="PriceReading.Dropped"/>): the long tail of crypto tokens must not veto the gold price.
    /// </summary>
    public static PriceReading Read(ReadOnlyMemory<byte> body, PriceFeedOptions options, PriceSnapshot? lastGood, string source, DateTimeOffset fetchedAt)
    {
        ArgumentNullException.ThrowIfNull(options);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            // JsonException's message quotes the offending character; its position is enough to find it.
            return PriceReading.Rejected($"malformed JSON at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return PriceReading.Rejected($"malformed document: the root is {Kind(root)}, not an object");
            if (!root.TryGetProperty("date", out var dateElement)
                || dateElement.ValueKind != JsonValueKind.String
                || !DateOnly.TryParseExact(dateElement.GetString(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return PriceReading.Rejected("missing or invalid \"date\" (expected \"yyyy-MM-dd\")");
            }
            if (!root.TryGetProperty("xau", out var xau) || xau.ValueKind != JsonValueKind.Object)
            {
                return PriceReading.Rejected("missing \"xau\" object");
            }

            var prices = new Dictionary<string, decimal>(StringComparer.Ordinal);
            var unusable = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in xau.EnumerateObject())
            {
                var code = property.Name.ToUpperInvariant();
                if (!PriceFeedOptions.IsCurrencyCode(code)) continue;
                if (Quote(property.Value) is { } problem) unusable[code] = problem;
                else prices[code] = property.Value.GetDecimal();
            }

            var problems = new List<string>();
            foreach (var code in options.RequiredCurrencies)
            {
                if (unusable.TryGetValue(code, out var problem)) problems.Add($"{code} price {problem}");
                else if (!prices.ContainsKey(code)) problems.Add($"required currency {code} missing");
            }
            if (problems.Count > 0) return PriceReading.Rejected(string.Join("; ", problems));

            if (lastGood is not null)
            {
                foreach (var code in options.RequiredCurrencies.Union(options.StoredCurrencies).Order(StringComparer.Ordinal))
                {
                    if (!prices.TryGetValue(code, out var now) || !lastGood.PerOunce.TryGetValue(code, out var before) || before <= 0) continue;
                    var factor = now / before;
                    if (factor > options.MaxMoveFactor || factor < 1m / options.MaxMoveFactor)
                    {
                        problems.Add(string.Create(CultureInfo.InvariantCulture,
                            $"{code} moved ×{factor:0.###} from the last good price ({before} to {now}, limit ×{options.MaxMoveFactor})"));
                    }
                }
                if (problems.Count > 0) return PriceReading.Rejected(string.Join("; ", problems));
            }

            var dropped = unusable.Keys.Order(StringComparer.Ordinal).ToList();
            return new PriceReading(new PriceSnapshot(date, fetchedAt, source, prices), null, dropped);
        }
    }

    /// <summary>Null for a usable quote (a positive number that fits a decimal), else what is wrong with it.</summary>
    private static string? Quote(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number) return $"is not a number (a JSON {Kind(value)})";
        if (!value.TryGetDecimal(out var price)) return "is out of range";
        return price <= 0 ? "is zero or negative" : null;
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
