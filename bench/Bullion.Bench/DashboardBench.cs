extern alias web;

using System.Diagnostics;
using System.Net;
using Bullion.Portfolio;
using Bullion.Vaults;
using Bullion.Web.Components.Ui;
using Bullion.Web.Market;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Bullion.Bench;

/// <summary>
/// Issue 4's benchmark: the dashboard of a vault with many items — the valuation work alone, and the whole page
/// rendered by the real app over real HTTP — and the cost of pushing one new price to many open dashboards.
/// </summary>
internal static class DashboardBench
{
    public static async Task<BenchReport> RunAsync(BenchArgs args)
    {
        var items = args.Int("items", 1_000);
        var dashboards = args.Int("dashboards", 500);
        var rounds = args.Int("rounds", 200);
        args.RejectUnknown();
        var report = new BenchReport($"dashboard: {items:N0} items, a price pushed to {dashboards:N0} open dashboards");

        var snapshot = Snapshot(2_650m, DateTimeOffset.UtcNow);
        var history = Enumerable.Range(0, 365).Select(d => (DateOnly.FromDateTime(DateTime.UtcNow).AddDays(d - 365), 80m + d % 30)).ToArray();

        // 1. The valuation a dashboard does on each load: read the items through the host, convert, value, chart series.
        using var folder = new TempFolder("dashboard");
        await using (var host = new VaultHost(new VaultStore(new VaultOptions { RootPath = folder.Path }, PortfolioSchema.Schema)))
        {
            var vault = VaultId.New();
            host.Create(vault);
            await Fill(host, vault, items);
            var feed = new FeedStatus(snapshot, snapshot.FetchedAt, null, null, false);
            var settings = VaultSettings.Default with { Currency = "IDR" }; // every item (USD) goes through a cross rate
            var times = new List<double>();
            for (var i = 0; i < rounds + 20; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var list = await host.ReadAsync(vault, new ListItems());
                Recompute(list, PriceView.For(settings, feed), history);
                if (i >= 20) times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            var (p50, p99) = Percentiles(times);
            report.Row($"valuation of {items:N0} items (read + convert + value + 365-day series), p50", $"{BenchReport.F(p50, 2)} ms");
            report.Row("valuation p99", $"{BenchReport.F(p99, 2)} ms");
            report.Json("valuation_p50_ms", BenchReport.Round(p50, 3));
            report.Json("valuation_p99_ms", BenchReport.Round(p99, 3));
        }

        // 2. The whole dashboard page (server-side prerender of the Blazor component) from the real app over HTTP.
        var (renderP50, renderP99, bytes) = await RenderOverHttp(items, rounds: Math.Max(20, rounds / 4));
        report.Row($"dashboard page with {items:N0} items over HTTP, p50", $"{BenchReport.F(renderP50, 1)} ms");
        report.Note($"The dashboard page with {items:N0} items is {bytes / 1024:N0} KB of HTML.");
        report.Row("dashboard page p99", $"{BenchReport.F(renderP99, 1)} ms");
        report.Json("render_p50_ms", BenchReport.Round(renderP50, 2));
        report.Json("render_p99_ms", BenchReport.Round(renderP99, 2));

        // 3. One price pushed to N open dashboards: PriceBook fans out on the thread pool; each dashboard recomputes its
        //    own (20-item) valuation from items it already holds — no vault is read or written.
        var book = new PriceBook(TimeProvider.System, TimeSpan.FromHours(36));
        var portfolio = Enumerable.Range(0, 20).Select(i => Item(i)).ToArray();
        using var done = new CountdownEvent(dashboards);
        var subscriptions = Enumerable.Range(0, dashboards).Select(_ => book.Subscribe(status =>
        {
            Recompute(portfolio, PriceView.For(VaultSettings.Default, status), history);
            done.Signal();
        })).ToList();
        var pushes = new List<double>();
        for (var i = 0; i < 30; i++)
        {
            done.Reset();
            var started = Stopwatch.GetTimestamp();
            book.Accept(Snapshot(2_650m + i, DateTimeOffset.UtcNow));
            done.Wait();
            if (i >= 5) pushes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        subscriptions.ForEach(s => s.Dispose());
        var (pushP50, pushP99) = Percentiles(pushes);
        report.Row($"one price to {dashboards:N0} dashboards, all recomputed, p50", $"{BenchReport.F(pushP50, 2)} ms");
        report.Row("push p99", $"{BenchReport.F(pushP99, 2)} ms");
        report.Note("The push figure is the server's work up to each dashboard's re-render; the SignalR diff each circuit then sends is not included.");
        report.Json("push_dashboards", dashboards);
        report.Json("push_p50_ms", BenchReport.Round(pushP50, 3));
        report.Json("push_p99_ms", BenchReport.Round(pushP99, 3));
        report.Json("items", items);
        return report;
    }

    private static async Task<(double P50, double P99, long Bytes)> RenderOverHttp(int items, int rounds)
    {
        using var folder = new TempFolder("dashboard-web");
        // Test projects get the web project's content root from Mvc.Testing's build metadata; a console names it itself.
        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (repository is not null && !File.Exists(Path.Combine(repository.FullName, "Bullion.slnx"))) repository = repository.Parent;
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_BULLION_WEB",
            Path.Combine(repository?.FullName ?? throw new InvalidOperationException("run from the repository (Bullion.slnx not found above the binary)"), "src", "Bullion.Web"));
        await using var app = new WebApplicationFactory<web::Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Bullion:DataPath", folder.Path);
            b.UseSetting("urls", "http://127.0.0.1:0");
            b.UseSetting("Prices:Enabled", "false");
            b.UseSetting("Logging:LogLevel:Default", "Warning");
        });
        app.UseKestrel(0);
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri($"http://127.0.0.1:{new Uri(address).Port}") };

        HttpRequestMessage Page(string? cookie)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.TryAddWithoutValidation("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36");
            request.Headers.TryAddWithoutValidation("Accept", "text/html");
            if (cookie is not null) request.Headers.TryAddWithoutValidation("Cookie", cookie);
            return request;
        }

        using var first = await http.SendAsync(Page(null));
        var cookie = first.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("bullion=", StringComparison.Ordinal)).Split(';')[0];
        var html = await first.Content.ReadAsStringAsync();
        var marker = "data-vault=\"";
        var vault = VaultId.Parse(html.Substring(html.IndexOf(marker, StringComparison.Ordinal) + marker.Length, 36));
        await Fill(app.Services.GetRequiredService<IVaultAccess>(), vault, items);

        var times = new List<double>();
        long bytes = 0;
        for (var i = 0; i < rounds + 5; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(Page(cookie));
            var body = await response.Content.ReadAsByteArrayAsync();
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"dashboard answered {(int)response.StatusCode}");
            if (i >= 5) times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            bytes = body.Length;
        }
        var (p50, p99) = Percentiles(times);
        return (p50, p99, bytes);
    }

    private static async Task Fill(IVaultAccess vaults, VaultId vault, int items) =>
        await Task.WhenAll(Enumerable.Range(0, items).Select(i =>
            vaults.WriteAsync(vault, new AddItem(new ValidItem($"Item {i}", (Category)(i % 4), 1m + i % 50, 99.99m, 1 + i % 3, 100m + i, new DateOnly(2025, 1, 1).AddDays(i % 300), null), "USD", DateTimeOffset.UtcNow))));

    private static void Recompute(IReadOnlyList<Item> items, PriceView price, (DateOnly, decimal)[] history)
    {
        // The dashboard's Recompute, step for step.
        var shown = items.Select(price.InDisplayCurrency).ToArray();
        _ = Valuation.Total(shown, price.PerGram);
        foreach (var item in shown) _ = Valuation.Of(item, price.PerGram);
        _ = History.ValueOverTime(shown, history);
        _ = History.Allocation(items);
    }

    private static Item Item(int i) =>
        new(i, $"Item {i}", (Category)(i % 4), 10m, 99.99m, 1, 500m, "USD", new DateOnly(2025, 6, 1), null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    private static PriceSnapshot Snapshot(decimal usd, DateTimeOffset at) =>
        new(DateOnly.FromDateTime(at.UtcDateTime), at, "bench", new Dictionary<string, decimal> { ["USD"] = usd, ["IDR"] = usd * 15_850m });

    private static (double P50, double P99) Percentiles(List<double> values)
    {
        values.Sort();
        return (values[values.Count / 2], values[Math.Min(values.Count - 1, (int)Math.Ceiling(values.Count * 0.99) - 1)]);
    }
}
