using System.Diagnostics;
using Bullion.Vaults;
using Microsoft.Data.Sqlite;

namespace Bullion.Bench;

/// <summary>
/// Seed risk 2: concurrent writers on one vault. N closed-loop writers each await their acknowledgement before the next
/// write (no pipelining: a caller of the host cannot do better), so writes/s is what N users would get.
/// </summary>
internal static class WritersBench
{
    private const double SeedWrites = 610_490, SeedSeconds = 60, TargetPerSec = 100_000;

    public static async Task<BenchReport> RunAsync(BenchArgs args)
    {
        var writers = args.Int("writers", 5);
        var seconds = args.Int("seconds", 60);
        // The raw yardstick only needs a stable rate, not the whole window.
        var rawSeconds = args.Int("raw-seconds", Math.Min(5, seconds));
        args.RejectUnknown();

        using var temp = new TempFolder("writers");
        var store = new VaultStore(new VaultOptions { RootPath = temp.Sub("vaults") }, BenchVault.WritesSchema);

        var rawPerSec = MeasureRawAutocommit(store, rawSeconds);
        Console.Error.WriteLine($"raw autocommit: {rawPerSec:N0}/s; running {writers} writers through the host for {seconds} s…");

        var id = VaultId.New();
        store.Create(id);
        var host = new VaultHost(store);
        var acknowledged = new long[writers];
        var errors = 0L;
        Exception? firstError = null;
        double elapsed;
        VaultCountersSnapshot counters;
        long rowsThroughHost;
        bool perWriterExact;
        try
        {
            // Open the vault first: the timed window measures writing, not the first open.
            await host.ReadAsync(id, new CountRows());
            var stop = 0;
            var clock = Stopwatch.StartNew();
            var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                long seq = 0;
                while (Volatile.Read(ref stop) == 0)
                {
                    try
                    {
                        await host.WriteAsync(id, new Insert(w, seq));
                        seq++;
                    }
#pragma warning disable CA1031 // every failure is counted and the first one shown; none may stop the run
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        Interlocked.Increment(ref errors);
                        Interlocked.CompareExchange(ref firstError, ex, null);
                    }
                }
                acknowledged[w] = seq;
            })).ToArray();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            Volatile.Write(ref stop, 1);
            await Task.WhenAll(tasks);
            elapsed = clock.Elapsed.TotalSeconds;
            counters = host.Counters;
            rowsThroughHost = await host.ReadAsync(id, new CountRows());
            perWriterExact = await host.ReadAsync(id, new MatchesAcknowledged(acknowledged));
        }
        finally
        {
            await host.DisposeAsync();
        }

        // After the host closed the vault: what is in the file, read by a fresh connection.
        long rowsInFile;
        using (var connection = BenchVault.OpenPlain(store.PathOf(id), readOnly: true))
        {
            rowsInFile = BenchVault.Scalar(connection, "SELECT count(*) FROM writes");
        }

        var writes = acknowledged.Sum();
        var perSec = writes / elapsed;
        var report = new BenchReport($"writers: {writers} closed-loop writers on one vault through the VaultHost, {elapsed:F1} s");
        report.Row("acknowledged writes", BenchReport.F(writes), BenchReport.F(SeedWrites) + $" in {SeedSeconds:F0} s");
        report.Row("acknowledged writes/s", BenchReport.F(perSec), BenchReport.F(SeedWrites / SeedSeconds), "≥ " + BenchReport.F(TargetPerSec), perSec >= TargetPerSec);
        report.Row("errors", BenchReport.F(errors), "0", "0", errors == 0);
        report.Row("rows (host, then file reopened)", $"{rowsThroughHost:N0} / {rowsInFile:N0}", "100 % integrity", "== acknowledged",
            rowsThroughHost == writes && rowsInFile == writes && perWriterExact);
        report.Row("raw autocommit inserts/s (1 connection)", BenchReport.F(rawPerSec), "", "yardstick");
        report.Row("host ÷ raw autocommit", BenchReport.F(perSec / rawPerSec, 2) + "×");
        report.Row("writes per batch (host counters)", BenchReport.F(counters.WritesPerBatch, 2), "", $"max {store.Options.MaxBatch}");
        report.Row("batches/s", BenchReport.F(counters.Batches / elapsed));
        if (firstError is not null) report.Note($"first error: {firstError.GetType().Name}: {firstError.Message}");
        if (!perWriterExact) report.Note("some writer's rows are not exactly its acknowledged sequence numbers 0..n-1");
        report.Json("writes", writes);
        report.Json("seconds", BenchReport.Round(elapsed, 2));
        report.Json("writes_per_sec", BenchReport.Round(perSec, 0));
        report.Json("errors", errors);
        report.Json("rows", rowsInFile);
        report.Json("raw_autocommit_per_sec", BenchReport.Round(rawPerSec, 0));
        report.Json("writes_per_batch", BenchReport.Round(counters.WritesPerBatch, 2));
        report.Json("writers", writers);
        return report;
    }

    /// <summary>One thread, one plain connection, one autocommit INSERT after another, same table and pragmas as the vault.</summary>
    private static double MeasureRawAutocommit(VaultStore store, int seconds)
    {
        var id = VaultId.New();
        store.Create(id);
        try
        {
            using var connection = BenchVault.OpenPlain(store.PathOf(id));
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO writes (writer, seq) VALUES ($w, $s)";
            var writer = insert.Parameters.Add(new SqliteParameter("$w", SqliteType.Integer) { Value = 0 });
            var seq = insert.Parameters.Add(new SqliteParameter("$s", SqliteType.Integer));
            insert.Prepare();
            var clock = Stopwatch.StartNew();
            var limit = TimeSpan.FromSeconds(seconds);
            long n = 0;
            while (clock.Elapsed < limit)
            {
                seq.Value = n++;
                insert.ExecuteNonQuery();
            }
            return n / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            store.Delete(id);
        }
    }

    private sealed record Insert(int Writer, long Seq) : IVaultWrite<int>
    {
        public int Execute(SqliteConnection connection)
        {
            var command = connection.Cached("INSERT INTO writes (writer, seq) VALUES ($w, $s)", "$w", "$s");
            command.Parameters[0].Value = Writer;
            command.Parameters[1].Value = Seq;
            return command.ExecuteNonQuery();
        }
    }

    private sealed record CountRows : IVaultRead<long>
    {
        public long Execute(SqliteConnection connection) => BenchVault.Scalar(connection, "SELECT count(*) FROM writes");
    }

    /// <summary>Each writer's rows are exactly its acknowledged sequence numbers 0..n-1: nothing lost, nothing extra.</summary>
    private sealed record MatchesAcknowledged(long[] Acknowledged) : IVaultRead<bool>
    {
        public bool Execute(SqliteConnection connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT writer, count(*), count(DISTINCT seq), min(seq), max(seq) FROM writes GROUP BY writer";
            using var reader = command.ExecuteReader();
            var seen = 0;
            while (reader.Read())
            {
                var w = reader.GetInt32(0);
                var n = Acknowledged[w];
                if (reader.GetInt64(1) != n || reader.GetInt64(2) != n || reader.GetInt64(3) != 0 || reader.GetInt64(4) != n - 1) return false;
                seen++;
            }
            return seen == Acknowledged.Count(n => n > 0);
        }
    }
}
