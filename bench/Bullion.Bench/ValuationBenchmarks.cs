using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Bullion.Portfolio;
using Bullion.Web.Components.Ui;
using Bullion.Web.Market;

namespace Bullion.Bench;

/// <summary>
/// BenchmarkDotNet micro-benchmark of the dashboard's valuation (issue 4): the CPU work of one render of a vault with
/// N items once they are read — currency conversion, per-item and total valuation, the 365-day value series and the
/// allocation. In-process toolchain: no generated project, no network, same build as the harness.
/// </summary>
[MemoryDiagnoser]
public class ValuationBenchmarks
{
    private Item[] _items = [];
    private (DateOnly, decimal)[] _history = [];
    private PriceView _price = null!;

    [Params(1_000)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _items = Enumerable.Range(0, Items).Select(i => new Item(i, $"Item {i}", (Category)(i % 4), 1m + i % 50, 99.99m, 1 + i % 3,
            100m + i, "USD", new DateOnly(2025, 1, 1).AddDays(i % 300), null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch)).ToArray();
        var today = new DateOnly(2026, 12, 4);
        _history = Enumerable.Range(0, 365).Select(d => (today.AddDays(d - 365), 80m + d % 30)).ToArray();
        var snapshot = new PriceSnapshot(today, DateTimeOffset.UnixEpoch, "bench", new Dictionary<string, decimal> { ["USD"] = 2_650m, ["IDR"] = 42_000_000m });
        _price = PriceView.For(VaultSettings.Default with { Currency = "IDR" }, new FeedStatus(snapshot, null, null, null, false));
    }

    [Benchmark(Description = "dashboard valuation (convert + value + series + allocation)")]
    public int Dashboard()
    {
        var shown = _items.Select(_price.InDisplayCurrency).ToArray();
        var total = Valuation.Total(shown, _price.PerGram);
        var rows = 0;
        foreach (var item in shown) rows += Valuation.Of(item, _price.PerGram).Value is null ? 0 : 1;
        return rows + History.ValueOverTime(shown, _history).Count + History.Allocation(_items).Count + (total.Value is null ? 0 : 1);
    }

    internal static Task<BenchReport> RunAsync(BenchArgs args)
    {
        args.RejectUnknown();
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        var summary = BenchmarkRunner.Run<ValuationBenchmarks>(config);
        var report = new BenchReport("valuation (BenchmarkDotNet, in-process, ShortRun)");
        foreach (var result in summary.Reports)
        {
            var mean = result.ResultStatistics?.Mean ?? double.NaN; // nanoseconds
            var allocated = result.GcStats.GetBytesAllocatedPerOperation(result.BenchmarkCase) ?? 0;
            report.Row($"{result.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo}, {result.BenchmarkCase.Parameters.DisplayInfo}",
                $"{BenchReport.F(mean / 1e6, 3)} ms, {allocated / 1024:N0} KB allocated");
            report.Json("valuation_mean_ms", BenchReport.Round(mean / 1e6, 4));
            report.Json("valuation_allocated_kb", allocated / 1024);
        }
        return Task.FromResult(report);
    }
}
