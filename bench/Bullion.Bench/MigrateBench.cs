using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Bullion.Vaults;
using Microsoft.Data.Sqlite;

namespace Bullion.Bench;

/// <summary>
/// Seed risk 4: a fleet migration where one vault fails. The new migration adds a column, a table, updates rows and
/// then creates a UNIQUE index; one vault holds a duplicate (the seed's "duplicate index" failure), so SQLite itself
/// refuses it there, after the earlier statements already ran inside the transaction. That vault must be left exactly
/// as it was; every other vault must be migrated.
/// </summary>
internal static class MigrateBench
{
    private const double TargetPerSec = 1_000;
    private const int FromVersion = 2;

    private static readonly VaultMigration[] Existing =
    [
        new(1, "notes", Sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, created_at TEXT NOT NULL);"),
        new(2, "notes by date", Sql: "CREATE INDEX notes_created ON notes (created_at);"),
    ];

    private static readonly VaultMigration Next = new(3, "pinned notes, links, unique bodies", Sql: """
        ALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE note_links (
            from_id INTEGER NOT NULL REFERENCES notes (id),
            to_id   INTEGER NOT NULL REFERENCES notes (id),
            PRIMARY KEY (from_id, to_id)
        ) WITHOUT ROWID;
        UPDATE notes SET pinned = 1 WHERE id = 1;
        CREATE UNIQUE INDEX notes_body ON notes (body);
        """);

    public static async Task<BenchReport> RunAsync(BenchArgs args)
    {
        var count = args.Int("vaults", 10_000);
        var failAt = args.Int("fail-at", Math.Max(1, count / 2));
        var parallelism = args.Int("parallelism", FleetMigrator.DefaultParallelism);
        args.RejectUnknown();
        if (failAt > count) throw new ArgumentException($"--fail-at {failAt} is past --vaults {count}");

        using var temp = new TempFolder("migrate");
        var options = new VaultOptions { RootPath = temp.Sub("vaults") };
        var oldStore = new VaultStore(options, new VaultSchema(BenchVault.ApplicationId, Existing));

        Console.Error.WriteLine($"creating {count:N0} vaults at schema {FromVersion}…");
        var setup = Stopwatch.StartNew();
        // One vault made by the runtime, then byte copies: the fleet is what an older release would have left on disk.
        var ids = Enumerable.Range(0, count).Select(_ => VaultId.New()).ToArray();
        oldStore.Create(ids[0]);
        using (var connection = BenchVault.OpenPlain(oldStore.PathOf(ids[0])))
        {
            BenchVault.Execute(connection, """
                INSERT INTO notes (body, created_at) VALUES
                    ('first bar bought', '2026-01-02'), ('coin from grandma', '2026-03-04'), ('ring appraised', '2026-05-06');
                """);
        }
        var templatePath = oldStore.PathOf(ids[0]);
        Parallel.For(1, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => File.Copy(templatePath, oldStore.PathOf(ids[i])));
        var failing = ids[failAt - 1];
        var failingPath = oldStore.PathOf(failing);
        using (var connection = BenchVault.OpenPlain(failingPath))
        {
            // Legal at schema 2, fatal to migration 3's UNIQUE index.
            BenchVault.Execute(connection, "INSERT INTO notes (body, created_at) VALUES ('coin from grandma', '2026-07-08');");
        }
        var before = Dump(failingPath);
        var fileBefore = FileHash(failingPath);
        Console.Error.WriteLine($"set-up took {setup.Elapsed.TotalSeconds:F1} s; migrating to schema {Next.Version} with parallelism {parallelism}…");

        var newStore = new VaultStore(options, new VaultSchema(BenchVault.ApplicationId, [.. Existing, Next]));
        var progressCalls = 0;
        var (userBefore, sysBefore) = (Process.GetCurrentProcess().UserProcessorTime, Process.GetCurrentProcess().PrivilegedProcessorTime);
        var clock = Stopwatch.StartNew();
        var results = await FleetMigrator.MigrateAllAsync(newStore, parallelism, _ => progressCalls++);
        var elapsed = clock.Elapsed.TotalSeconds;
        // CPU against wall time tells a CPU-bound run (share of 2 cores near 100 %) from one waiting on the disk (fsync).
        var userMsPerVault = (Process.GetCurrentProcess().UserProcessorTime - userBefore).TotalMilliseconds / count;
        var sysMsPerVault = (Process.GetCurrentProcess().PrivilegedProcessorTime - sysBefore).TotalMilliseconds / count;
        var cpuMsPerVault = userMsPerVault + sysMsPerVault;

        var migrated = results.Count(r => r.Status == FleetMigrationStatus.Migrated);
        var failures = results.Where(r => r.Status == FleetMigrationStatus.Failed).ToArray();
        var after = Dump(failingPath);
        var unchanged = before == after;
        var fileUnchanged = fileBefore == FileHash(failingPath);
        var reportedRight = failures is [{ } f] && f.VaultId == failing && f.FailedMigration == Next.Version && f.FromVersion == FromVersion
            && (f.Error ?? "").Contains("UNIQUE", StringComparison.Ordinal);
        // Every other vault must now be at the new version: read user_version straight from each file's header.
        var othersCurrent = ids.Where(id => id != failing).Count(id => UserVersion(newStore.PathOf(id)) == Next.Version);
        var perSec = count / elapsed;

        var report = new BenchReport($"migrate: {count:N0} vaults from schema {FromVersion} to {Next.Version}, vault #{failAt} fails in SQL, parallelism {parallelism}");
        report.Row("vaults", BenchReport.F(count), "10 (100 planned)");
        report.Row("vaults/s", BenchReport.F(perSec), "", $"≥ {TargetPerSec:N0}", perSec >= TargetPerSec);
        report.Row("elapsed (s)", BenchReport.F(elapsed, 2));
        report.Row("CPU per vault: user + kernel (ms, all threads) / wall per vault × parallelism (ms)",
            $"{userMsPerVault:F3} + {sysMsPerVault:F3} / {1000 * elapsed * parallelism / count:F3}", "", "(info)");
        report.Row("migrated", BenchReport.F(migrated), "9", BenchReport.F(count - 1), migrated == count - 1);
        report.Row("failed (reported with vault id, migration, error)", BenchReport.F(failures.Length), "1", "exactly 1, the right one", reportedRight);
        report.Row("failed vault: schema, rows, user_version unchanged", unchanged ? "yes" : "NO", "no (partial state)", "yes", unchanged);
        report.Row("failed vault: file bytes unchanged", fileUnchanged ? "yes" : "no", "", "(info)");
        report.Row("other vaults at the new version", BenchReport.F(othersCurrent), "9", BenchReport.F(count - 1), othersCurrent == count - 1);
        report.Row("progress callbacks", BenchReport.F(progressCalls), "", BenchReport.F(count), progressCalls == count);
        if (failures.Length > 0) report.Note($"reported: vault {failures[0].VaultId}, migration {failures[0].FailedMigration}: {failures[0].Error}");
        report.Json("vaults", count);
        report.Json("vaults_per_sec", BenchReport.Round(perSec, 0));
        report.Json("migrated", migrated);
        report.Json("failed", failures.Length);
        report.Json("failed_vault_unchanged", unchanged);
        report.Json("failure_reported_correctly", reportedRight);
        report.Json("parallelism", parallelism);
        report.Json("cpu_ms_per_vault", BenchReport.Round(cpuMsPerVault, 3));
        report.Json("kernel_ms_per_vault", BenchReport.Round(sysMsPerVault, 3));
        return report;
    }

    /// <summary>
    /// Everything a migration could change, as text: application_id, user_version, every sqlite_master row (with root
    /// pages) and every row of every table with its storage class, in a fixed order.
    /// </summary>
    private static string Dump(string path)
    {
        using var connection = BenchVault.OpenPlain(path, readOnly: true);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"application_id={BenchVault.Scalar(connection, "PRAGMA application_id")}\n");
        text.Append(CultureInfo.InvariantCulture, $"user_version={BenchVault.Scalar(connection, "PRAGMA user_version")}\n");
        var tables = new List<string>();
        using (var master = connection.CreateCommand())
        {
            master.CommandText = "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master ORDER BY type, name";
            using var reader = master.ExecuteReader();
            while (reader.Read())
            {
                AppendRow(text, reader);
                if (reader.GetString(0) == "table" && !reader.GetString(1).StartsWith("sqlite_", StringComparison.Ordinal)) tables.Add(reader.GetString(1));
            }
        }
        foreach (var table in tables)
        {
            text.Append(CultureInfo.InvariantCulture, $"-- {table}\n");
            using var rows = connection.CreateCommand();
            rows.CommandText = $"SELECT * FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\" ORDER BY 1";
            using var reader = rows.ExecuteReader();
            while (reader.Read()) AppendRow(text, reader);
        }
        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, SqliteDataReader reader)
    {
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var value = reader.GetValue(i);
            text.Append(CultureInfo.InvariantCulture, $"{reader.GetDataTypeName(i)}:{(value is byte[] b ? Convert.ToHexString(b) : Convert.ToString(value, CultureInfo.InvariantCulture))}|");
        }
        text.Append('\n');
    }

    private static string FileHash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>
    /// user_version from the database header (offset 60, big-endian); a vault whose WAL holds frames is opened instead
    /// (closed vaults keep an empty WAL, which changes nothing).
    /// </summary>
    private static int UserVersion(string path)
    {
        if (new FileInfo(path + "-wal") is { Exists: true, Length: > 0 })
        {
            using var connection = BenchVault.OpenPlain(path, readOnly: true);
            return (int)BenchVault.Scalar(connection, "PRAGMA user_version");
        }
        Span<byte> header = stackalloc byte[64];
        using var file = File.OpenRead(path);
        file.ReadExactly(header);
        return System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header[60..]);
    }
}
