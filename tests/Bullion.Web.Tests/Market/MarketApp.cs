using System.Collections.Concurrent;
using Bullion.Web.Market;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Bullion.Web.Tests.Market;

/// <summary>
/// The real app (Program) with its price feed on and pointed at a local <see cref="PriceServer"/>, a fake clock, and
/// every log line kept, so a test can read what the feed said (and check what it never says).
/// </summary>
public sealed class MarketApp(string dataPath, PriceServer server, FakeTimeProvider time, IReadOnlyDictionary<string, string>? settings = null)
    : WebApplicationFactory<Program>
{
    public ConcurrentQueue<string> Logs { get; } = new();

    public PriceFeed Feed => Services.GetRequiredService<PriceFeed>();

    public PriceBook Book => Services.GetRequiredService<PriceBook>();

    public MarketStore Store => Services.GetRequiredService<MarketStore>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Bullion:DataPath", dataPath);
        builder.UseSetting("Prices:Enabled", "true");
        builder.UseSetting("Prices:PrimaryUrl", server.PrimaryUrl.ToString());
        builder.UseSetting("Prices:FallbackUrl", server.FallbackUrl.ToString());
        // The default 10 s per attempt: a first request on busy cores (JIT, connect) must never time out by accident.
        // One retry with a short backoff keeps a failing case quick while still going through the retry strategy.
        builder.UseSetting("Prices:RetryAttempts", "1");
        builder.UseSetting("Prices:RetryDelay", "00:00:00.010");
        // A week: the timer stays out of the way; tests fetch through RefreshNowAsync (and one test drives the timer).
        builder.UseSetting("Prices:Interval", "7.00:00:00");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(time));
        builder.ConfigureLogging(logging => logging.AddProvider(new CollectingLoggerProvider(Logs)));
    }

    public string AllLogs => string.Join('\n', Logs);

    private sealed class CollectingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CollectingLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class CollectingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
        }
    }
}
