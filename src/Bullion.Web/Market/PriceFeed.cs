using System.Net;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Bullion.Web.Market;

/// <summary>
/// Fetches the XAU document every <see cref="PriceFeedOptions.Interval"/> (first at start), primary URL then fallback,
/// and records the outcome: a good document goes to the history (<see cref="MarketStore"/>) and then the
/// <see cref="PriceBook"/>; a failed or rejected one leaves the last good price in place and marks the book failing,
/// with the reason. Timed fetches and the dashboard's manual refresh share one fetch at a time.
/// </summary>
public sealed class PriceFeed(
    IHttpClientFactory http,
    MarketStore store,
    PriceBook book,
    TimeProvider time,
    IOptions<PriceFeedOptions> options,
    ILogger<PriceFeed> logger) : BackgroundService
{
    /// <summary>The named client: the resilience pipeline (timeouts, retries, circuit breaker) is attached to it.</summary>
    public const string HttpClientName = "Bullion.Prices";

    /// <summary>
    /// 1 MiB: the real document is ≈15 KB; anything far larger is not it, and buffering it unbounded would let a
    /// misbehaving mirror eat memory.
    /// </summary>
    public const int MaxDocumentBytes = 1 << 20;

    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task<FeedStatus>? _fetch;
    private PeriodicTimer? _timer;
    private DateTimeOffset? _lastFetchStartedAt;
    private long _fetches;

    /// <summary>Fetches started, timed and manual (a joined or rate-limited refresh starts none).</summary>
    public long Fetches => Interlocked.Read(ref _fetches);

    /// <summary>
    /// The dashboard's refresh: fetches now unless a fetch started less than <see cref="PriceFeedOptions.MinManualRefreshInterval"/>
    /// ago (then no request at all, the current status); a refresh while a fetch runs waits for that fetch. With the feed
    /// disabled it only reports the status. Never throws for a failed fetch: the status carries the reason.
    /// </summary>
    public Task<FeedStatus> RefreshNowAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        if (!settings.Enabled) return Task.FromResult(book.Status);
        Task<FeedStatus> fetch;
        lock (_gate)
        {
            if (_fetch is { IsCompleted: false } running) fetch = running;
            else if (_lastFetchStartedAt is { } last && time.GetUtcNow() - last < settings.MinManualRefreshInterval) return Task.FromResult(book.Status);
            else fetch = StartFetch();
        }
        // The caller (a page) may leave; the fetch itself goes on for the other waiters and the book.
        return fetch.WaitAsync(cancellationToken);
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Local disk only, before the server takes requests: the first page after a restart already shows the last
        // good price (with its fetch time, so possibly stale). The network is never awaited here.
        await store.MigrateAsync(cancellationToken);
        if (await store.LatestAsync(cancellationToken) is { } latest)
        {
            book.Accept(latest);
            logger.LogInformation("Last stored gold price loaded from {History}: {Date}, fetched {FetchedAt:O} from {Source}",
                store.Path, latest.Date, latest.FetchedAt, latest.Source);
        }
        var settings = options.Value;
        if (settings.Enabled)
        {
            // Both made here, not in ExecuteAsync (which runs later, on the thread pool): the first fetch is under way
            // and the timer counts from the start before anyone (a refresh, a test's clock) can act in between.
            _timer = new PeriodicTimer(settings.Interval, time);
            lock (_gate) StartFetch();
        }
        else
        {
            logger.LogInformation("Price feed disabled ({Section}:Enabled=false): no fetching; prices are manual only", PriceFeedOptions.Section);
        }
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Cancels a fetch in flight (timed or manual) so the stop does not wait out a slow mirror's retries.
        await _stopping.CancelAsync();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _stopping.Dispose();
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Disabled: no timer, no loop.
        if (_timer is not { } timer) return;
        try
        {
            // The first fetch was started with the app. Each tick fetches, or joins a fetch already running (the first,
            // or a manual refresh); a tick missed during a slow fetch is taken once, not queued up.
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Task<FeedStatus> fetch;
                lock (_gate) fetch = _fetch is { IsCompleted: false } running ? running : StartFetch();
                await fetch.WaitAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the loop's only way out.
        }
    }

    /// <summary>Under <see cref="_gate"/>: starts the one fetch everybody waits on.</summary>
    private Task<FeedStatus> StartFetch()
    {
        _lastFetchStartedAt = time.GetUtcNow();
        Interlocked.Increment(ref _fetches);
        // Task.Run: the fetch's synchronous prefix must not run under the lock, nor on a page's render thread.
        return _fetch = Task.Run(() => FetchAndRecordAsync(_stopping.Token));
    }

    private async Task<FeedStatus> FetchAndRecordAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        string reason;
        try
        {
            // The jump check compares with a fresh last price only: after a stale spell (downtime, or a real move the check
            // kept refusing) the next valid document is accepted, so one rejection can never freeze the price for good.
            var status = book.Status;
            var lastGood = status.IsStale ? null : status.Latest;
            var primary = await FetchAsync("primary", settings.PrimaryUrl, settings, lastGood, cancellationToken);
            if (primary.Snapshot is not null) return await RecordAsync(primary, cancellationToken);
            logger.LogWarning("Gold price from the primary source {Host} refused: {Reason}; trying the fallback {FallbackHost}",
                settings.PrimaryUrl.Host, primary.Rejection, settings.FallbackUrl.Host);
            var fallback = await FetchAsync("fallback", settings.FallbackUrl, settings, lastGood, cancellationToken);
            if (fallback.Snapshot is not null) return await RecordAsync(fallback, cancellationToken);
            reason = $"primary {settings.PrimaryUrl.Host}: {primary.Rejection}; fallback {settings.FallbackUrl.Host}: {fallback.Rejection}";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: not a feed failure, nothing to record.
            return book.Status;
        }
        catch (Exception ex)
        {
            // Only the history write or a bug gets here (network and document failures are readings). The loop must
            // survive it; the book says what failed instead of a silent stale price.
            logger.LogError(ex, "Gold price fetch failed unexpectedly");
            reason = $"{ex.GetType().Name}: {ex.Message}";
        }
        var now = time.GetUtcNow();
        book.Fail(now, reason);
        logger.LogWarning("Gold price fetch failed, keeping the last good price: {Reason}", reason);
        return book.Status;
    }

    private async Task<FeedStatus> RecordAsync(PriceReading reading, CancellationToken cancellationToken)
    {
        var snapshot = reading.Snapshot!;
        var stored = await store.AddAsync(snapshot, cancellationToken);
        book.Accept(snapshot);
        logger.LogInformation(
            "Gold price {Date} from {Source}: {Currencies} currencies ({Stored} stored), USD {Usd}/oz{Dropped}",
            snapshot.Date, snapshot.Source, snapshot.PerOunce.Count, stored,
            snapshot.PerOunce.TryGetValue("USD", out var usd) ? usd : null,
            reading.Dropped.Count == 0 ? "" : $"; unusable quotes dropped: {string.Join(", ", reading.Dropped)}");
        return book.Status;
    }

    /// <summary>One URL through the resilience pipeline; every network or document failure is a reading with a reason.</summary>
    private async Task<PriceReading> FetchAsync(string role, Uri url, PriceFeedOptions settings, PriceSnapshot? lastGood, CancellationToken cancellationToken)
    {
        var client = http.CreateClient(HttpClientName);
        byte[] body;
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                // The status only: an error page's body is the server's business, and may echo what we sent.
                return PriceReading.Rejected($"HTTP {(int)response.StatusCode} {Phrase(response.StatusCode)}");
            }
            body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutRejectedException)
        {
            return PriceReading.Rejected($"timed out (each attempt {settings.RequestTimeout.TotalSeconds:0.###} s, {settings.RetryAttempts} retries)");
        }
        catch (TaskCanceledException)
        {
            // HttpClient.Timeout: the whole budget for this URL ran out (e.g. a server trickling its body).
            return PriceReading.Rejected($"timed out (no complete answer within {settings.TotalTimeout.TotalSeconds:0.###} s)");
        }
        catch (BrokenCircuitException)
        {
            return PriceReading.Rejected("not tried: the circuit breaker is open after repeated failures of this host");
        }
        catch (HttpRequestException ex)
        {
            return PriceReading.Rejected($"unreachable ({ex.HttpRequestError}): {ex.Message}");
        }
        // role and host, never the full URL: a configured URL may carry a key in its path or query.
        return PriceDocument.Read(body, settings, lastGood, $"{role} {url.Host}", time.GetUtcNow());
    }

    private static string Phrase(HttpStatusCode status) => Enum.IsDefined(status) ? status.ToString() : "";
}
