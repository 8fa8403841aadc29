using System.Globalization;
using System.Net;
using System.Text;
using Bullion.Portfolio;
using Bullion.Web.Market;
using Microsoft.Extensions.Time.Testing;
using static Bullion.Web.Tests.Market.Documents;

namespace Bullion.Web.Tests.Market;

/// <summary>The real feed, HttpClient and resilience pipeline against a real local price server; time on a fake clock.</summary>
public sealed class PriceFeedTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    // Past the manual-refresh window (1 min by default), so the next RefreshNowAsync fetches.
    private static readonly TimeSpan NextWindow = TimeSpan.FromMinutes(1);

    private readonly TempDataFolder _data = new();
    private readonly FakeTimeProvider _time = new(Start);
    private PriceServer _server = null!;

    public async Task InitializeAsync() => _server = await PriceServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    private MarketApp App(IReadOnlyDictionary<string, string>? settings = null) => new(_data.Path, _server, _time, settings);

    private string MarketDb => Path.Combine(_data.Path, MarketStore.FileName);

    /// <summary>The first fetch starts with the app; a refresh right away (inside the window) waits for it.</summary>
    private static Task<FeedStatus> FirstFetchAsync(MarketApp app) => app.Feed.RefreshNowAsync();

    private async Task<FeedStatus> NextFetchAsync(MarketApp app)
    {
        _time.Advance(NextWindow);
        return await app.Feed.RefreshNowAsync();
    }

    [Fact]
    public async Task A_good_document_becomes_the_latest_price_and_its_stored_currencies_go_to_market_db()
    {
        _server.Both = Reply.Json(Good(Day1));
        await using var app = App();

        var status = await FirstFetchAsync(app);

        var latest = Assert.IsType<PriceSnapshot>(status.Latest);
        Assert.Equal(Day1, latest.Date);
        Assert.Equal(Start, latest.FetchedAt);
        Assert.Equal("primary 127.0.0.1", latest.Source);
        Assert.Equal(2650.1m, latest.PerOunce["USD"]);
        Assert.Equal(42000000.5m, latest.PerOunce["IDR"]);
        // The snapshot keeps every usable currency offered, stored or not; an unusable quote is dropped, not fatal.
        Assert.Equal(new[] { "BTC", "EUR", "IDR", "USD" }, latest.Currencies);
        Assert.Null(status.FailingSince);
        Assert.Null(status.LastError);
        Assert.False(status.IsStale);
        Assert.Equal(1, _server.PrimaryHits);
        Assert.Equal(0, _server.FallbackHits);

        using (var db = TempDataFolder.OpenSqlite(MarketDb))
        using (var command = db.CreateCommand())
        {
            command.CommandText = "SELECT date, currency, per_ounce, per_gram, source, fetched_at FROM prices ORDER BY currency";
            using var reader = command.ExecuteReader();
            var rows = new List<string[]>();
            while (reader.Read()) rows.Add([.. Enumerable.Range(0, 6).Select(reader.GetString)]);
            // Stored currencies ∩ offered: BTC is offered but not stored.
            Assert.Equal(new[] { "EUR", "IDR", "USD" }, rows.Select(r => r[1]));
            foreach (var row in rows)
            {
                Assert.Equal("2026-12-03", row[0]);
                var ounce = decimal.Parse(row[2], CultureInfo.InvariantCulture);
                Assert.Equal(latest.PerOunce[row[1]], ounce);
                Assert.Equal(ounce / Gold.GramsPerTroyOunce, decimal.Parse(row[3], CultureInfo.InvariantCulture));
                Assert.Equal("primary 127.0.0.1", row[4]);
                Assert.Equal("2026-12-03T10:00:00.0000000Z", row[5]);
            }
        }
        Assert.Contains("from primary 127.0.0.1: 4 currencies (3 stored)", app.AllLogs, StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, app.AllLogs, StringComparison.Ordinal);
        await app.DisposeAsync();
        foreach (var file in Directory.GetFiles(_data.Path, MarketStore.FileName + "*"))
        {
            Assert.DoesNotContain(Marker, Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_fallback_answers_when_the_primary_fails_with_500_after_its_retries()
    {
        _server.Primary = new Reply(500, "oops");
        _server.Fallback = Reply.Json(Good(Day1));
        await using var app = App();

        var status = await FirstFetchAsync(app);

        Assert.Equal(Day1, status.Latest?.Date);
        Assert.Equal("fallback 127.0.0.1", status.Latest?.Source);
        Assert.Null(status.FailingSince);
        // One attempt and the one configured retry (500 is transient), then the fallback once.
        Assert.Equal(2, _server.PrimaryHits);
        Assert.Equal(1, _server.FallbackHits);
        Assert.Contains("HTTP 500", app.AllLogs, StringComparison.Ordinal);
        Assert.DoesNotContain("oops", app.AllLogs, StringComparison.Ordinal);
    }

    public static TheoryData<string> FailingCases => [.. Cases.Keys];

    private static readonly Dictionary<string, (Reply Reply, string Reason)> Cases = new()
    {
        ["HTTP 404"] = (new Reply(404, $"not here {Marker}"), "HTTP 404 NotFound"),
        ["HTTP 503"] = (new Reply(503, $"busy {Marker}"), "HTTP 503 ServiceUnavailable"),
        ["timeout"] = (new Reply(200, Good(Day2), Delay: TimeSpan.FromMinutes(5)), "timed out"),
        ["malformed JSON"] = (Reply.Json($$$"""{"date":"2026-12-04","note":"{{{Marker}}}","xau":{"usd":2650"""), "malformed JSON"),
        ["missing xau"] = (Reply.Json($$$"""{"date":"2026-12-04","note":"{{{Marker}}}","xag":{"usd":31.2,"idr":500000}}"""), "missing \"xau\""),
        ["missing date"] = (Reply.Json($$$"""{"note":"{{{Marker}}}","xau":{"usd":2650.1,"idr":42000000.5}}"""), "missing or invalid \"date\""),
        ["missing required currency"] = (Reply.Json($$$"""{"date":"2026-12-04","note":"{{{Marker}}}","xau":{"usd":2650.1,"eur":2500}}"""), "required currency IDR missing"),
        ["zero price"] = (Reply.Json(Good(Day2, usd: 0m)), "USD price is zero or negative"),
        ["negative price"] = (Reply.Json(Good(Day2, idr: -42000000.5m)), "IDR price is zero or negative"),
        ["string price"] = (Reply.Json($$$"""{"date":"2026-12-04","note":"{{{Marker}}}","xau":{"usd":"2650.1","idr":42000000.5}}"""), "USD price is not a number"),
        ["3x jump"] = (Reply.Json(Good(Day2, usd: 7950.3m)), "USD moved ×3"),
    };

    [Theory]
    [MemberData(nameof(FailingCases))]
    public async Task A_failing_or_bad_source_keeps_the_last_good_price_says_why_goes_stale_and_recovers(string failure)
    {
        var (reply, reason) = Cases[failure];
        _server.Both = Reply.Json(Good(Day1));
        // The timeout case waits out every attempt: short ones keep it quick (a slow good answer just gets retried).
        await using var app = App(failure == "timeout" ? new Dictionary<string, string> { ["Prices:RequestTimeout"] = "00:00:00.500" } : null);
        var good = (await FirstFetchAsync(app)).Latest;
        Assert.NotNull(good);

        _server.Both = reply;
        var failedAt = Start + NextWindow;
        var failed = await NextFetchAsync(app);

        Assert.Same(good, failed.Latest);
        Assert.Equal(failedAt, failed.FailingSince);
        Assert.Equal(failedAt, failed.LastAttemptAt);
        // Both sources were tried and both reasons are kept for the honest message.
        Assert.Contains($"primary 127.0.0.1: {reason}", failed.LastError, StringComparison.Ordinal);
        Assert.Contains($"fallback 127.0.0.1: {reason}", failed.LastError, StringComparison.Ordinal);
        Assert.False(failed.IsStale);
        Assert.Contains(reason, app.AllLogs, StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, app.AllLogs, StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, failed.LastError, StringComparison.Ordinal);

        // Stale once StaleAfter (36 h) has passed since the last good fetch; still failing since the first failure.
        _time.Advance(TimeSpan.FromHours(36) - NextWindow);
        Assert.False(app.Book.Status.IsStale);
        _time.Advance(TimeSpan.FromTicks(1));
        var stale = app.Book.Status;
        Assert.True(stale.IsStale);
        Assert.Same(good, stale.Latest);
        Assert.Equal(failedAt, stale.FailingSince);

        _server.Both = Reply.Json(Good(Day2, usd: 2700m));
        var recovered = await NextFetchAsync(app);

        Assert.Equal(Day2, recovered.Latest?.Date);
        Assert.Equal(2700m, recovered.Latest?.PerOunce["USD"]);
        Assert.Null(recovered.FailingSince);
        Assert.Null(recovered.LastError);
        Assert.False(recovered.IsStale);
        var history = await app.Store.HistoryAsync("USD", Day1, Day2);
        Assert.Equal([(Day1, 2650.1m / Gold.GramsPerTroyOunce), (Day2, 2700m / Gold.GramsPerTroyOunce)], history);
    }

    [Fact]
    public async Task A_real_move_refused_as_a_jump_is_accepted_once_the_last_price_is_stale()
    {
        _server.Both = Reply.Json(Good(Day1));
        await using var app = App();
        await FirstFetchAsync(app);

        // Gold really tripled (or the feed was down through a big move): refused while the last price is fresh …
        _server.Both = Reply.Json(Good(Day2, usd: 7950.3m));
        var refused = await NextFetchAsync(app);
        Assert.Contains("USD moved ×3", refused.LastError, StringComparison.Ordinal);

        // … and accepted once that price is stale, so one rejection can never freeze the price for good.
        _time.Advance(TimeSpan.FromHours(36));
        var accepted = await NextFetchAsync(app);

        Assert.Equal(7950.3m, accepted.Latest?.PerOunce["USD"]);
        Assert.Null(accepted.FailingSince);
        Assert.False(accepted.IsStale);
    }

    [Fact]
    public async Task Every_change_of_the_feed_is_pushed_to_subscribers()
    {
        _server.Both = Reply.Json(Good(Day1));
        await using var app = App();
        await FirstFetchAsync(app);
        var pushed = new TaskCompletionSource<FeedStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = app.Book.Subscribe(status => pushed.TrySetResult(status));

        _server.Both = Reply.Json(Good(Day2, usd: 2700m));
        await NextFetchAsync(app);

        var status = await pushed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2700m, status.Latest?.PerOunce["USD"]);
    }

    [Fact]
    public async Task The_timer_fetches_again_every_interval_on_the_injected_clock()
    {
        _server.Both = Reply.Json(Good(Day1));
        await using var app = App(new Dictionary<string, string> { ["Prices:Interval"] = "01:00:00" });
        await FirstFetchAsync(app);
        Assert.Equal(1, _server.Hits);
        var pushed = new TaskCompletionSource<FeedStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = app.Book.Subscribe(status => pushed.TrySetResult(status));
        _server.Both = Reply.Json(Good(Day2, usd: 2700m));

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(1, app.Feed.Fetches);
        _time.Advance(TimeSpan.FromMinutes(1));

        var status = await pushed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Day2, status.Latest?.Date);
        Assert.Equal(Start.AddHours(1), status.Latest?.FetchedAt);
        Assert.Equal(2, _server.Hits);
    }

    [Fact]
    public async Task A_manual_refresh_inside_the_window_makes_no_request_and_returns_the_current_status()
    {
        _server.Both = Reply.Json(Good(Day1));
        await using var app = App();
        var first = await FirstFetchAsync(app);
        _server.Both = Reply.Json(Good(Day2, usd: 2700m));

        _time.Advance(TimeSpan.FromSeconds(59));
        var limited = await app.Feed.RefreshNowAsync();

        Assert.Equal(1, _server.Hits);
        Assert.Same(first.Latest, limited.Latest);

        _time.Advance(TimeSpan.FromSeconds(1));
        var refreshed = await app.Feed.RefreshNowAsync();

        Assert.Equal(2, _server.Hits);
        Assert.Equal(2700m, refreshed.Latest?.PerOunce["USD"]);
    }

    [Fact]
    public async Task Concurrent_manual_refreshes_share_one_fetch()
    {
        _server.Both = Reply.Json(Good(Day1));
        await using var app = App();
        await FirstFetchAsync(app);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Both = new Reply(200, Good(Day2, usd: 2700m), Gate: gate.Task);
        _time.Advance(NextWindow);

        var first = app.Feed.RefreshNowAsync();
        var second = app.Feed.RefreshNowAsync();
        gate.SetResult();
        var statuses = await Task.WhenAll(first, second);

        Assert.Same(statuses[0], statuses[1]);
        Assert.Equal(2700m, statuses[0].Latest?.PerOunce["USD"]);
        Assert.Equal(2, _server.Hits);
        Assert.Equal(2, app.Feed.Fetches);
    }

    [Fact]
    public async Task A_restart_shows_the_last_stored_price_before_any_fetch()
    {
        _server.Both = Reply.Json(Good(Day1));
        await using (var before = App())
        {
            await FirstFetchAsync(before);
        }
        _server.Both = new Reply(503, "down");
        _time.Advance(TimeSpan.FromHours(2));

        // Disabled: nothing is fetched, so whatever the book holds came from market.db.
        await using var after = App(new Dictionary<string, string> { ["Prices:Enabled"] = "false" });
        var status = after.Book.Status;

        var latest = Assert.IsType<PriceSnapshot>(status.Latest);
        Assert.Equal(Day1, latest.Date);
        Assert.Equal(Start, latest.FetchedAt);
        Assert.Equal("primary 127.0.0.1", latest.Source);
        // Stored currencies only: the snapshot in memory had BTC as well, the history keeps majors.
        Assert.Equal(new Dictionary<string, decimal> { ["EUR"] = 2500.25m, ["IDR"] = 42000000.5m, ["USD"] = 2650.1m }, latest.PerOunce);
        Assert.Null(status.FailingSince);
        Assert.Equal(1, _server.Hits);
    }

    [Fact]
    public async Task A_restart_with_the_source_down_keeps_the_stored_price_and_reports_the_failure()
    {
        _server.Both = Reply.Json(Good(Day1));
        await using (var before = App())
        {
            await FirstFetchAsync(before);
        }
        _server.Both = new Reply(404, "gone");

        await using var after = App();
        var status = await FirstFetchAsync(after);

        Assert.Equal(Day1, status.Latest?.Date);
        Assert.Equal(Start, status.FailingSince);
        Assert.Contains("HTTP 404", status.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_feed_makes_no_request_at_all()
    {
        _server.Both = Reply.Json(Good(Day1));
        await using var app = App(new Dictionary<string, string> { ["Prices:Enabled"] = "false", ["Prices:Interval"] = "01:00:00" });

        var status = await app.Feed.RefreshNowAsync();
        _time.Advance(TimeSpan.FromDays(2));
        var later = await app.Feed.RefreshNowAsync();

        Assert.Null(status.Latest);
        Assert.True(status.IsStale);
        Assert.Null(later.Latest);
        Assert.Equal(0, _server.Hits);
        Assert.Equal(0, app.Feed.Fetches);
        // market.db is still made (the history is read at start), empty.
        Assert.Null(await app.Store.LatestAsync());
    }

    [Fact]
    public async Task Start_and_requests_do_not_wait_for_a_hanging_source_and_stop_cancels_it()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Both = new Reply(200, Good(Day1), Gate: gate.Task);
        // A minute per attempt: the source will not answer within this test.
        await using var app = App(new Dictionary<string, string> { ["Prices:RequestTimeout"] = "00:01:00" });
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = app.Book.Status;
        Assert.Null(status.Latest);
        Assert.Null(status.LastAttemptAt);
        Assert.Equal(1, app.Feed.Fetches);
        // Returns although the source still has not answered: the stop cancels the fetch instead of waiting it out.
        await app.DisposeAsync();
        gate.SetResult();
    }
}
