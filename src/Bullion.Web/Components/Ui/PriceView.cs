using Bullion.Portfolio;
using Bullion.Web.Market;

namespace Bullion.Web.Components.Ui;

public enum PriceSource
{
    None,
    Feed,
    Manual,
}

/// <summary>
/// The price a page values with, in the vault's display currency: the vault's manual price when set (works offline),
/// else the feed's latest, else none — never a silent zero. Purchase prices in another currency are converted with the
/// feed's XAU cross rates when it has them.
/// </summary>
public sealed record PriceView(decimal? PerGram, string Currency, PriceSource Source, FeedStatus Feed)
{
    public static PriceView For(VaultSettings settings, FeedStatus feed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(feed);
        if (settings.ManualPricePerGram is { } manual) return new PriceView(manual, settings.Currency, PriceSource.Manual, feed);
        if (feed.Latest?.PerGram(settings.Currency) is { } quoted) return new PriceView(quoted, settings.Currency, PriceSource.Feed, feed);
        return new PriceView(null, settings.Currency, PriceSource.None, feed);
    }

    /// <summary>The feed's price per gram in the display currency (shown beside a manual price for comparison).</summary>
    public decimal? FeedPerGram => Feed.Latest?.PerGram(Currency);

    /// <summary>The item with its price paid in the display currency, or unchanged when no rate is known.</summary>
    public Item InDisplayCurrency(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Currency == Currency) return item;
        return Feed.Latest?.CrossRate(item.Currency, Currency) is { } rate
            ? item with { PurchasePrice = Gold.Round(item.PurchasePrice * rate, Currencies.Decimals(Currency)), Currency = Currency }
            : item;
    }
}
