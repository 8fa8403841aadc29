using Microsoft.Data.Sqlite;

namespace Bullion.Cli;

/// <summary><c>bullion list</c>: every vault id with its file size and schema version, read without writing.</summary>
internal static class ListCommand
{
    private sealed record VaultRow(string VaultId, long Bytes, long WalBytes, int? Version, string? Error);

    public static Outcome Run(CliArguments args, TextWriter stdout)
    {
        var store = VaultFolder.Open(args);
        var rows = VaultFolder.Ids(store).Select(id => Row(id.ToString(), store.PathOf(id))).ToArray();
        var failed = rows.Count(r => r.Error is not null);
        if (args.Json)
        {
            JsonReport.Write(stdout, new { command = "list", total = rows.Length, failed, vaults = rows });
        }
        else
        {
            foreach (var r in rows)
            {
                var version = r.Version is { } v ? $"v{v}" : "?";
                var wal = r.WalBytes > 0 ? $" (+{r.WalBytes} WAL)" : "";
                stdout.WriteLine($"{r.VaultId}  {r.Bytes,12} bytes{wal}  {version}{(r.Error is null ? "" : "  " + r.Error)}");
            }
            stdout.WriteLine($"{rows.Length} vaults{(failed > 0 ? $", {failed} unreadable" : "")}.");
        }
        return failed == 0 ? Outcome.Ok : Outcome.SomeVaultsFailed;
    }

    private static VaultRow Row(string id, string path)
    {
        var file = new FileInfo(path);
        var wal = new FileInfo(path + "-wal");
        var bytes = file.Exists ? file.Length : 0;
        var walBytes = wal.Exists ? wal.Length : 0;
        try
        {
            var (_, version) = ReadOnlyVault.Read(path, ReadOnlyVault.Header);
            return new VaultRow(id, bytes, walBytes, version, null);
        }
        catch (Exception ex) when (ex is SqliteException or VaultNotReadableException or IOException or UnauthorizedAccessException)
        {
            // Listed all the same: a list that hides a broken vault would hide the one the operator needs to see.
            return new VaultRow(id, bytes, walBytes, null, ex.Message);
        }
    }
}
