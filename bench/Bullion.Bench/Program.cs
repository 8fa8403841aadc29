using Bullion.Bench;

// One command per seed risk; each prints a table (ours beside the seed's figure and the target) and, with --json,
// one JSON object as the last line so scripts can compare runs.
var commands = new Dictionary<string, Func<BenchArgs, Task<BenchReport>>>(StringComparer.Ordinal)
{
    ["writers"] = WritersBench.RunAsync,
    ["lifecycle"] = LifecycleBench.RunAsync,
    ["migrate"] = MigrateBench.RunAsync,
    ["dashboard"] = DashboardBench.RunAsync,
    ["valuation"] = ValuationBenchmarks.RunAsync,
    ["cookie"] = CookieBench.RunAsync,
};

if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine("usage: Bullion.Bench <writers|lifecycle|migrate|dashboard|valuation|cookie> [options] [--json]");
    Console.Error.WriteLine("  writers   --writers 5 --seconds 60 [--raw-seconds 5]");
    Console.Error.WriteLine("  lifecycle --vaults 5000");
    Console.Error.WriteLine("  migrate   --vaults 10000 --fail-at 5000 [--parallelism N]");
    Console.Error.WriteLine("  dashboard --items 1000 --dashboards 500 [--rounds 200]");
    Console.Error.WriteLine("  valuation (BenchmarkDotNet)");
    Console.Error.WriteLine("  cookie    [--rounds 20000]");
    return 2;
}

BenchArgs options;
try
{
    options = BenchArgs.Parse(args.AsSpan(1));
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

// First, before anything can open a SQLite connection (the writers command opens a plain one before any VaultStore):
// what the web host's Program.cs does on its first line.
var sqliteConfiguration = Bullion.Vaults.VaultRuntime.ConfigureSqlite();

static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
var loadBefore = Load();
var report = await command(options);
// The environment the figures belong to, so a pasted table carries it. Asked only after the run: the runtime may
// configure SQLite process-wide before its first connection, and this query must not be that first connection.
report.Note($"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, SQLite {Machine.SqliteVersion()}, " +
    $"{Environment.ProcessorCount} cores; load average before {loadBefore}, after {Load()} (other work on the machine makes figures noisier)");
report.Note($"SQLite process configuration: {sqliteConfiguration.Status} ({sqliteConfiguration.Detail})");
report.Print(options.Json);
return report.Passed ? 0 : 1;
