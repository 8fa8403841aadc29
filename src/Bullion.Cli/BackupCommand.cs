namespace Bullion.Cli;

/// <summary>
/// <c>bullion backup --to &lt;folder&gt;</c>: a consistent copy of every vault (<c>VACUUM INTO</c> through
/// <see cref="Bullion.Vaults.VaultStore.ExportAsync"/>) as <c>&lt;folder&gt;/&lt;id&gt;.db</c>. Each copy is written
/// under a temporary name, flushed to disk and then renamed, so a file with a vault's name is always a whole copy.
/// A failing vault is reported and the run goes on.
/// </summary>
internal static class BackupCommand
{
    private sealed record Failure(string VaultId, string Error);

    public static async Task<Outcome> RunAsync(CliArguments args, TextWriter stdout, ProgressLine progress, CancellationToken cancellationToken)
    {
        var destination = Path.GetFullPath(args.Required("--to"));
        var data = args.DataPath;
        if (IsInside(destination, data))
        {
            // The copies would be enumerated as vaults, and backed up into themselves, by the next run.
            throw new UsageException($"--to {destination} is inside the data folder {data}; choose a folder outside it.");
        }
        var store = VaultFolder.Open(args);
        var ids = VaultFolder.Ids(store);
        Directory.CreateDirectory(destination);

        var failures = new List<Failure>();
        long bytes = 0;
        var copied = 0;
        // One vault at a time: each copy is a VACUUM INTO plus an fsync, disk-bound, beside a live server.
        foreach (var id in ids)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var final = Path.Combine(destination, id.FileName);
            // Dot-prefixed, so a restore that enumerates vault files never takes a half-written copy for one.
            var temp = Path.Combine(destination, $".{id}.{Guid.NewGuid():N}.tmp");
            try
            {
                await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
                {
                    await store.ExportAsync(id, file, cancellationToken);
                    await file.FlushAsync(cancellationToken);
                    file.Flush(flushToDisk: true);
                }
                File.Move(temp, final, overwrite: true);
                bytes += new FileInfo(final).Length;
                copied++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Add(new Failure(id.ToString(), ex.Message));
            }
            finally
            {
                File.Delete(temp);
            }
            progress.Report("backup", copied + failures.Count, ids.Length, failures.Count);
        }

        if (args.Json)
        {
            JsonReport.Write(stdout, new { command = "backup", to = destination, total = ids.Length, copied, bytes, failed = failures.Count, failures });
        }
        else
        {
            foreach (var f in failures) stdout.WriteLine($"  FAILED {f.VaultId}: {f.Error}");
            stdout.WriteLine($"{copied} of {ids.Length} vaults copied to {destination} ({bytes} bytes), {failures.Count} failed.");
        }
        return failures.Count == 0 ? Outcome.Ok : Outcome.SomeVaultsFailed;
    }

    private static bool IsInside(string path, string folder)
    {
        var root = Path.TrimEndingDirectorySeparator(folder);
        var candidate = Path.TrimEndingDirectorySeparator(path);
        return candidate.Equals(root, StringComparison.Ordinal)
            || candidate.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }
}
