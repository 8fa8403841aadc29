using Bullion.Portfolio;
using Bullion.Web.Components.Ui;
using Bullion.Web.Market;

namespace Bullion.Web.Tests;

public class PriceViewTests
{
    private static readonly PriceSnapshot Snapshot = new(new DateOnly(2026, 12, 3), DateTimeOffset.UnixEpoch, "test",
        new Dictionary<string, decimal> { ["USD"] = 3110.35m, ["IDR"] = 49_765_600m });

    private static FeedStatus Feed(PriceSnapshot? snapshot) => new(snapshot, null, null, null, snapshot is null);

    private static Item Bought(decimal paid, string currency) =>
        new(1, "bar", Category.Bar, 10m, 100m, 1, paid, currency, null, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    [Fact]
    public void The_feed_price_is_per_gram_in_the_vault_currency()
    {
        var view = PriceView.For(VaultSettings.Default with { Currency = "IDR" }, Feed(Snapshot));

        Assert.Equal((PriceSource.Feed, 1_600_000m), (view.Source, view.PerGram!.Value));
        Assert.Equal(16_000_000m, Valuation.Of(Bought(0, "IDR"), view.PerGram).Value);
    }

    [Fact]
    public void A_manual_price_wins_over_the_feed_and_works_without_one()
    {
        var settings = VaultSettings.Default with { ManualPricePerGram = 95.5m };

        var withFeed = PriceView.For(settings, Feed(Snapshot));
        var offline = PriceView.For(settings, Feed(null));

        Assert.Equal((PriceSource.Manual, 95.5m, 100m), (withFeed.Source, withFeed.PerGram, withFeed.FeedPerGram));
        Assert.Equal((PriceSource.Manual, 95.5m), (offline.Source, offline.PerGram));
        Assert.Equal(955m, Valuation.Of(Bought(0, "USD"), offline.PerGram).Value);
    }

    [Fact]
    public void Without_a_manual_price_or_a_quote_there_is_no_price_never_zero()
    {
        Assert.Equal((PriceSource.None, (decimal?)null), (PriceView.For(VaultSettings.Default, Feed(null)) is var v ? (v.Source, v.PerGram) : default));
        var noQuote = PriceView.For(VaultSettings.Default with { Currency = "EUR" }, Feed(Snapshot));
        Assert.Null(noQuote.PerGram);
    }

    [Fact]
    public void Prices_paid_in_another_currency_convert_through_the_feeds_cross_rate()
    {
        var view = PriceView.For(VaultSettings.Default, Feed(Snapshot));

        // 16,000,000 IDR × (3,110.35 / 49,765,600) = 1,000.00 USD
        var shown = view.InDisplayCurrency(Bought(16_000_000m, "IDR"));

        Assert.Equal((1000.00m, "USD"), (shown.PurchasePrice, shown.Currency));
        Assert.Equal("EUR", view.InDisplayCurrency(Bought(5m, "EUR")).Currency); // no rate: left as recorded
    }
}
