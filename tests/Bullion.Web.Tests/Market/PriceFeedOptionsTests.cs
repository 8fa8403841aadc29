using Bullion.Web.Market;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bullion.Web.Tests.Market;

public sealed class PriceFeedOptionsTests : IDisposable
{
    private readonly TempDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Price_options_come_from_the_Prices_section_and_a_configured_list_replaces_the_default()
    {
        await using var app = new BullionApp(_data.Path, new Dictionary<string, string>
        {
            ["Prices:Interval"] = "00:30:00",
            ["Prices:StaleAfter"] = "2.00:00:00",
            ["Prices:MaxMoveFactor"] = "1.25",
            ["Prices:RequiredCurrencies:0"] = "eur",
            ["Prices:StoredCurrencies:0"] = "EUR",
            ["Prices:StoredCurrencies:1"] = "usd",
        });

        var options = app.Get<IOptions<PriceFeedOptions>>().Value;

        Assert.Equal(TimeSpan.FromMinutes(30), options.Interval);
        Assert.Equal(TimeSpan.FromDays(2), app.Get<PriceBook>().StaleAfter);
        Assert.Equal(1.25m, options.MaxMoveFactor);
        // Not appended to the defaults (USD, IDR), and upper case as the feed's codes are.
        Assert.Equal(["EUR"], options.RequiredCurrencies);
        Assert.Equal(new[] { "EUR", "USD" }, app.Get<MarketStore>().StoredCurrencies.Order(StringComparer.Ordinal));
        Assert.Equal(Path.Combine(_data.Path, "market.db"), app.Get<MarketStore>().Path);
    }

    [Fact]
    public void Defaults_are_the_public_mirrors_hourly_with_36_hours_to_stale_and_the_feed_on()
    {
        var options = new PriceFeedOptions();

        Assert.Equal("cdn.jsdelivr.net", options.PrimaryUrl.Host);
        Assert.Equal("latest.currency-api.pages.dev", options.FallbackUrl.Host);
        Assert.Equal(TimeSpan.FromHours(1), options.Interval);
        Assert.Equal(TimeSpan.FromHours(36), options.StaleAfter);
        Assert.Equal(1.5m, options.MaxMoveFactor);
        Assert.Equal(["USD", "IDR"], options.RequiredCurrencies);
        Assert.Equal(16, options.StoredCurrencies.Count);
        Assert.True(options.Enabled);
        Assert.Equal(TimeSpan.FromMinutes(1), options.MinManualRefreshInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RequestTimeout);
    }

    [Theory]
    [InlineData("Prices:PrimaryUrl", "ftp://example.org/xau.json", "Prices:PrimaryUrl must be an absolute http or https URL (was 'ftp://example.org/xau.json')")]
    [InlineData("Prices:FallbackUrl", "xau.json", "Prices:FallbackUrl must be an absolute http or https URL (was 'xau.json')")]
    [InlineData("Prices:Interval", "00:00:05", "Prices:Interval must be at least 00:01:00 (was 00:00:05)")]
    [InlineData("Prices:StaleAfter", "-01:00:00", "Prices:StaleAfter must be at least 00:01:00 (was -01:00:00)")]
    [InlineData("Prices:MaxMoveFactor", "1", "Prices:MaxMoveFactor must be greater than 1 (was 1)")]
    [InlineData("Prices:RequestTimeout", "00:10:00", "Prices:RequestTimeout must be between 00:00:00.0100000 and 00:05:00 (was 00:10:00)")]
    [InlineData("Prices:RetryAttempts", "50", "Prices:RetryAttempts must be between 0 and 10 (was 50)")]
    [InlineData("Prices:RequiredCurrencies:0", "U$D", "Prices:RequiredCurrencies:0 must be a currency code of 2–12 letters or digits (was 'U$D')")]
    public void A_bad_price_option_is_refused_naming_the_key_and_the_value(string key, string value, string expected)
    {
        // The registration as Program makes it, resolved without starting a host: an in-process start that fails
        // races the entry point's own disposal (the process test below covers the refused start itself).
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.AddMarket();
        using var services = builder.Services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<PriceFeedOptions>>().Value);

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_price_option_stops_the_start_of_the_service()
    {
        await using var app = AppProcess.Start(_data.Path, ["--urls", "http://127.0.0.1:0"], new Dictionary<string, string>
        {
            ["Prices__MaxMoveFactor"] = "0.5",
        });

        Assert.NotEqual(0, await app.ExitedAsync());
        Assert.Contains("Prices:MaxMoveFactor must be greater than 1 (was 0.5)", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening on", app.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_data.Path, MarketStore.FileName)));
    }
}
