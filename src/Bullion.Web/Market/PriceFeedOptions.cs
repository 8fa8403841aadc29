using System.Globalization;
using Microsoft.Extensions.Options;

namespace Bullion.Web.Market;

/// <summary>Settings of the gold price feed (section <c>Prices</c>; e.g. env <c>Prices__Enabled=false</c>).</summary>
public sealed class PriceFeedOptions
{
    public const string Section = "Prices";

    /// <summary>The public "currency-api" (fawazahmed0/exchange-api) mirror: key-less, one document per base currency.</summary>
    public Uri PrimaryUrl { get; set; } = new("https://cdn.jsdelivr.net/npm/@fawazahmed0/currency-api@latest/v1/currencies/xau.json");

    /// <summary>The same project's second mirror, tried whenever the primary fails or is rejected.</summary>
    public Uri FallbackUrl { get; set; } = new("https://latest.currency-api.pages.dev/v1/currencies/xau.json");

    /// <summary>1 h: the source publishes once a day, so hourly picks a new day's rate up within the hour.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>36 h: a daily source plus half a day of grace before the UI calls the price stale.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromHours(36);

    /// <summary>
    /// 1.5: gold has never moved ×1.5 in a day, so a price above ×1.5 or below ÷1.5 the last good one (same currency)
    /// is a broken feed, not a market, and is rejected.
    /// </summary>
    public decimal MaxMoveFactor { get; set; } = 1.5m;

    /// <summary>A document that lacks any of these (or quotes one unusably) is rejected: the dashboard values in them.</summary>
    public List<string> RequiredCurrencies { get; set; } = ["USD", "IDR"];

    /// <summary>
    /// Kept in the history (<c>market.db</c>) when offered. The in-memory snapshot keeps every currency the feed quoted;
    /// the history keeps majors only, so a year of hourly fetches stays ≈140 k rows instead of ≈2.6 M.
    /// </summary>
    public List<string> StoredCurrencies { get; set; } =
        ["USD", "IDR", "EUR", "GBP", "SGD", "MYR", "AUD", "JPY", "CHF", "CAD", "CNY", "INR", "HKD", "THB", "SAR", "AED"];

    /// <summary>False: no fetching at all (not even a manual refresh); the service then runs on manual prices only.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>1 min: the dashboard's refresh button may not hammer the source; a press inside the window does no request.</summary>
    public TimeSpan MinManualRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>10 s per attempt (the document is ≈15 KB); the whole fetch of one URL is bounded by the retries too.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries per URL of transient failures (5xx, 408, 429, timeouts, refused connections): the standard 3.</summary>
    public int RetryAttempts { get; set; } = 3;

    /// <summary>2 s: the first retry's median delay, doubling with jitter (the standard resilience handler's).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A retry's longest delay: the exponential backoff stops growing here.</summary>
    internal TimeSpan MaxRetryDelay => RetryDelay * Math.Pow(2, RetryAttempts);

    /// <summary>One URL's whole budget: every attempt timing out after its longest wait. Bounds a fetch even when a server trickles.</summary>
    internal TimeSpan TotalTimeout => (RequestTimeout + MaxRetryDelay) * (RetryAttempts + 1);

    /// <summary>
    /// A configured list replaces the default instead of being appended to it (the configuration binder appends to an
    /// initialised list), and codes are compared upper case as the feed's are after parsing.
    /// </summary>
    internal static void ApplyLists(PriceFeedOptions options, IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        if (section.GetSection(nameof(RequiredCurrencies)).Exists())
        {
            options.RequiredCurrencies = section.GetSection(nameof(RequiredCurrencies)).Get<List<string>>() ?? [];
        }
        if (section.GetSection(nameof(StoredCurrencies)).Exists())
        {
            options.StoredCurrencies = section.GetSection(nameof(StoredCurrencies)).Get<List<string>>() ?? [];
        }
        options.RequiredCurrencies = [.. options.RequiredCurrencies.Select(Upper).Distinct(StringComparer.Ordinal)];
        options.StoredCurrencies = [.. options.StoredCurrencies.Select(Upper).Distinct(StringComparer.Ordinal)];
    }

    private static string Upper(string code) => (code ?? "").Trim().ToUpperInvariant();

    /// <summary>
    /// A currency code as the feed spells them: ISO 4217 letters, and for the crypto tail letters and digits
    /// (e.g. 1INCH). Anything else is not a code and never reaches a page or the history.
    /// </summary>
    internal static bool IsCurrencyCode(string code) =>
        code.Length is >= 2 and <= 12 && code.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));
}

/// <summary>Every failure names the configuration key and the bad value, so a refused start says what to fix.</summary>
internal sealed class PriceFeedOptionsValidator : IValidateOptions<PriceFeedOptions>
{
    private const string S = PriceFeedOptions.Section;

    public ValidateOptionsResult Validate(string? name, PriceFeedOptions options)
    {
        var failures = new List<string>();
        Url(failures, nameof(options.PrimaryUrl), options.PrimaryUrl);
        Url(failures, nameof(options.FallbackUrl), options.FallbackUrl);
        // 1 min: anything faster only re-downloads a document that changes daily.
        AtLeast(failures, nameof(options.Interval), options.Interval, TimeSpan.FromMinutes(1));
        AtLeast(failures, nameof(options.StaleAfter), options.StaleAfter, TimeSpan.FromMinutes(1));
        AtLeast(failures, nameof(options.MinManualRefreshInterval), options.MinManualRefreshInterval, TimeSpan.Zero);
        // 10 ms and 5 min: the resilience timeout strategy's own lower bound, and a ceiling past which a feed is dead anyway.
        Within(failures, nameof(options.RequestTimeout), options.RequestTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5));
        Within(failures, nameof(options.RetryDelay), options.RetryDelay, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        if (options.RetryAttempts is < 0 or > 10)
        {
            failures.Add($"{S}:RetryAttempts must be between 0 and 10 (was {options.RetryAttempts}).");
        }
        if (options.MaxMoveFactor <= 1m)
        {
            failures.Add($"{S}:MaxMoveFactor must be greater than 1 (was {options.MaxMoveFactor.ToString(CultureInfo.InvariantCulture)}).");
        }
        Codes(failures, nameof(options.RequiredCurrencies), options.RequiredCurrencies);
        Codes(failures, nameof(options.StoredCurrencies), options.StoredCurrencies);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Url(List<string> failures, string key, Uri? url)
    {
        if (url is null || !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{S}:{key} must be an absolute http or https URL (was '{url?.OriginalString}').");
        }
        else if (!string.IsNullOrEmpty(url.UserInfo))
        {
            // Credentials in a URL end up in logs and the history's source column; the feed needs none.
            failures.Add($"{S}:{key} must not carry credentials (was a URL for {url.Host} with user information).");
        }
    }

    private static void AtLeast(List<string> failures, string key, TimeSpan value, TimeSpan min)
    {
        if (value < min) failures.Add($"{S}:{key} must be at least {min} (was {value}).");
    }

    private static void Within(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max) failures.Add($"{S}:{key} must be between {min} and {max} (was {value}).");
    }

    private static void Codes(List<string> failures, string key, List<string> codes)
    {
        for (var i = 0; i < codes.Count; i++)
        {
            if (!PriceFeedOptions.IsCurrencyCode(codes[i]))
            {
                failures.Add($"{S}:{key}:{i} must be a currency code of 2–12 letters or digits (was '{codes[i]}').");
            }
        }
    }
}
