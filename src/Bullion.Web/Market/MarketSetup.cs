using System.Net;
using Bullion.Web.Market;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

// Namespace Bullion.Web (as BullionSetup): Program.cs, the table of contents, reaches it with the usings it has.
namespace Bullion.Web;

public static class MarketSetup
{
    /// <summary>
    /// Gold prices: options from section <c>Prices</c> (validated at start), the global history
    /// <c>&lt;DataPath&gt;/market.db</c>, the in-memory <see cref="PriceBook"/> every page reads, and the
    /// <see cref="PriceFeed"/> that fills both. Call after <c>AddBullionOptions</c> (the data folder is made first).
    /// </summary>
    public static WebApplicationBuilder AddMarket(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<PriceFeedOptions>()
            .BindConfiguration(PriceFeedOptions.Section)
            .Configure<IConfiguration>(PriceFeedOptions.ApplyLists)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PriceFeedOptions>, PriceFeedOptionsValidator>();

        services.AddSingleton(sp => new PriceBook(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<PriceFeedOptions>>().Value.StaleAfter));
        services.AddSingleton(sp => new MarketStore(
            Path.Combine(sp.GetRequiredService<IOptions<BullionOptions>>().Value.FullDataPath, MarketStore.FileName),
            sp.GetRequiredService<IOptions<PriceFeedOptions>>().Value.StoredCurrencies));

        services.AddHttpClient(PriceFeed.HttpClientName, (sp, client) =>
            {
                var prices = sp.GetRequiredService<IOptions<PriceFeedOptions>>().Value;
                // Also covers reading the body, which the pipeline does not; one attempt's time later than the pipeline's
                // total, so a plain slow answer is reported by the pipeline, which says more.
                client.Timeout = prices.TotalTimeout + prices.RequestTimeout;
                client.MaxResponseContentBufferSize = PriceFeed.MaxDocumentBytes;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Bullion-price-feed/1");
            })
            // No cookies: the feed is anonymous, and a mirror's cookie has no business in later requests.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseCookies = false, AutomaticDecompression = DecompressionMethods.All })
            .AddResilienceHandler("standard", ConfigurePipeline)
            // One circuit breaker per host: a dead primary mirror must not open the circuit of the fallback.
            .SelectPipelineByAuthority();

        services.AddSingleton<PriceFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<PriceFeed>());
        return builder;
    }

    /// <summary>
    /// The standard resilience handler's strategies and option types (total timeout, retry with exponential backoff
    /// and jitter, circuit breaker, attempt timeout, in that order), tuned from <c>Prices</c>.
    /// </summary>
    /// <remarks>
    /// Built here rather than with <c>AddStandardResilienceHandler()</c> for one reason: that handler takes its clock
    /// from the container, and the container's clock is the app's (a <c>FakeTimeProvider</c> in tests, where a frozen
    /// clock would freeze every retry delay and no timeout would ever fire). Network waits are wall-clock time.
    /// </remarks>
    private static void ConfigurePipeline(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        var prices = context.ServiceProvider.GetRequiredService<IOptions<PriceFeedOptions>>().Value;
        var standard = new HttpStandardResilienceOptions();
        standard.TotalRequestTimeout.Timeout = prices.TotalTimeout;
        standard.AttemptTimeout.Timeout = prices.RequestTimeout;
        standard.Retry.MaxRetryAttempts = prices.RetryAttempts;
        standard.Retry.Delay = prices.RetryDelay;
        if (prices.RetryDelay > TimeSpan.Zero) standard.Retry.MaxDelay = prices.MaxRetryDelay;
        // The standard rule: the sampling window must hold at least two attempts.
        var twoAttempts = prices.RequestTimeout * 2;
        if (standard.CircuitBreaker.SamplingDuration < twoAttempts) standard.CircuitBreaker.SamplingDuration = twoAttempts;

        pipeline.TimeProvider = TimeProvider.System;
        pipeline
            .AddTimeout(standard.TotalRequestTimeout)
            .AddRetry(standard.Retry)
            .AddCircuitBreaker(standard.CircuitBreaker)
            .AddTimeout(standard.AttemptTimeout);
    }
}
