using Bullion.Portfolio;

namespace Bullion.Web.Market;

/// <summary>
/// One fetch of the XAU rate: the price of one troy ounce of gold in each currency the feed offered, on the feed's date.
/// Currency codes are upper case ISO 4217.
/// </summary>
public sealed record PriceSnapshot(DateOnly Date, DateTimeOffset FetchedAt, string Source, IReadOnlyDictionary<string, decimal> PerOunce)
{
    public IEnumerable<string> Currencies => PerOunce.Keys.Order(StringComparer.Ordinal);

    /// <summary>Price of one gram of fine gold in <paramref name="currency"/>, or null when the feed does not quote it.</summary>
    public decimal? PerGram(string currency) =>
        PerOunce.TryGetValue(currency, out var ounce) ? ounce / Gold.GramsPerTroyOunce : null;

    /// <summary>Units of <paramref name="to"/> per unit of <paramref name="from"/>, through gold (XAU cross rate).</summary>
    public decimal? CrossRate(string from, string to) =>
        from == to ? 1m
        : PerOunce.TryGetValue(from, out var f) && PerOunce.TryGetValue(to, out var t) && f > 0 ? t / f : null;
}

/// <summary>What the feed knows now: the last good price (kept when fetches fail) and how fetching is going.</summary>
public sealed record FeedStatus(PriceSnapshot? Latest, DateTimeOffset? LastAttemptAt, DateTimeOffset? FailingSince, string? LastError, bool IsStale);

/// <summary>
/// The global price state every page reads: the latest good snapshot, the feed's health, and a notification when
/// either changes. In memory only (the history lives in <c>market.db</c>); never written into any vault.
/// </summary>
public sealed class PriceBook(TimeProvider time, TimeSpan staleAfter)
{
    private readonly Lock _gate = new();
    private Action<FeedStatus>[] _handlers = [];
    private PriceSnapshot? _latest;
    private DateTimeOffset? _lastAttempt;
    private DateTimeOffset? _failingSince;
    private string? _lastError;

    public TimeSpan StaleAfter { get; } = staleAfter;

    public FeedStatus Status
    {
        get
        {
            lock (_gate)
            {
                var stale = _latest is null || time.GetUtcNow() - _latest.FetchedAt > StaleAfter;
                return new FeedStatus(_latest, _lastAttempt, _failingSince, _lastError, stale);
            }
        }
    }

    /// <summary>A good fetch: it becomes the latest price and clears any failure.</summary>
    public void Accept(PriceSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_gate)
        {
            _latest = snapshot;
            _lastAttempt = snapshot.FetchedAt;
            _failingSince = null;
            _lastError = null;
        }
        Notify();
    }

    /// <summary>A failed or rejected fetch: the last good price stays; the failure is kept for an honest message.</summary>
    public void Fail(DateTimeOffset at, string reason)
    {
        lock (_gate)
        {
            _lastAttempt = at;
            _failingSince ??= at;
            _lastError = reason;
        }
        Notify();
    }

    /// <summary>Calls <paramref name="onChanged"/> on the thread pool after every accepted or failed fetch.</summary>
    public IDisposable Subscribe(Action<FeedStatus> onChanged)
    {
        lock (_gate) _handlers = [.. _handlers, onChanged];
        return new Subscription(this, onChanged);
    }

    private void Notify()
    {
        var handlers = Volatile.Read(ref _handlers);
        if (handlers.Length == 0) return;
        var status = Status;
        foreach (var handler in handlers) ThreadPool.UnsafeQueueUserWorkItem(h => h(status), handler, preferLocal: false);
    }

    private sealed class Subscription(PriceBook book, Action<FeedStatus> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (book._gate)
            {
                var index = Array.IndexOf(book._handlers, handler);
                if (index >= 0) book._handlers = [.. book._handlers[..index], .. book._handlers[(index + 1)..]];
            }
        }
    }
}
