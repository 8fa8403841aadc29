using System.Globalization;
using Bullion.Vaults;

namespace Bullion.Cli;

/// <summary><c>bullion migrate [--parallelism N]</c>: every vault to the latest <c>PortfolioSchema</c>, past failures.</summary>
internal static class MigrateCommand
{
    public static async Task<Outcome> RunAsync(CliArguments args, TextWriter stdout, ProgressLine progress, CancellationToken cancellationToken)
    {
        var parallelism = Parallelism(args);
        var store = VaultFolder.Open(args);
        var results = await FleetMigrator.MigrateAllAsync(store, parallelism,
            p => progress.Report("migrate", p.Done, p.Total, p.Failed), cancellationToken);

        var failures = results.Where(r => r.Status == FleetMigrationStatus.Failed).OrderBy(r => r.VaultId.Value).ToArray();
        var migrated = results.Count(r => r.Status == FleetMigrationStatus.Migrated);
        var current = results.Count(r => r.Status == FleetMigrationStatus.AlreadyCurrent);
        if (args.Json)
        {
            JsonReport.Write(stdout, new
            {
                command = "migrate",
                total = results.Count,
                migrated,
                alreadyCurrent = current,
                failed = failures.Length,
                failures = failures.Select(f => new { vaultId = f.VaultId.ToString(), migration = f.FailedMigration, fromVersion = f.FromVersion, error = f.Error }),
            });
        }
        else
        {
            stdout.WriteLine($"{results.Count} vaults: {migrated} migrated, {current} already current, {failures.Length} failed.");
            foreach (var f in failures)
            {
                // A refused vault (foreign, newer) fails before any migration runs, so it has no migration number.
                var step = f.FailedMigration is { } n ? $"migration {n}" : "no migration ran";
                stdout.WriteLine($"  FAILED {f.VaultId} ({step}, stays at version {f.FromVersion}): {f.Error}");
            }
        }
        return failures.Length == 0 ? Outcome.Ok : Outcome.SomeVaultsFailed;
    }

    private static int Parallelism(CliArguments args)
    {
        if (args.Value("--parallelism") is not { } text) return FleetMigrator.DefaultParallelism;
        // 256: past that the workers only queue on the disk; a typo like 10000 should not open thousands of files at once.
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 256)
        {
            throw new UsageException($"--parallelism must be a whole number from 1 to 256 (was '{text}').");
        }
        return n;
    }
}
