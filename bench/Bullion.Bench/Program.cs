using Bullion.Bench;

// One command per seed risk; each prints a table (ours beside the seed's figure and the target) and, with --json,
// one JSON object as the last line so scripts can compare runs.
var commands = new Dictionary<string, Func<BenchArgs, Task<BenchReport>>>(StringComparer.Ordinal)
{
    ["writers"] = WritersBench.RunAsync,
    ["lifecycle"] = LifecycleBench.RunAsync,
    ["migrate"] = MigrateBench.RunAsync,
};

if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine("usage: Bullion.Bench <writers|lifecycle|migrate> [options] [--json]");
    Console.Error.WriteLine("  writers   --writers 5 --seconds 60 [--raw-seconds 5]");
    Console.Error.WriteLine("  lifecycle --vaults 5000");
    Console.Error.WriteLine("  migrate   --vaults 10000 --fail-at 5000 [--parallelism N]");
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

var report = await command(options);
report.Print(options.Json);
return report.Passed ? 0 : 1;
