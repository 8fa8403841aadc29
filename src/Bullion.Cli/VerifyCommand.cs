using Bullion.Portfolio;
using Microsoft.Data.Sqlite;

namespace Bullion.Cli;

/// <summary>
/// <c>bullion verify [--quick]</c>: for every vault, its <c>application_id</c>, its schema version against ours, and
/// SQLite's <c>integrity_check</c> (<c>quick_check</c> with <c>--quick</c>). Writes and creates nothing
/// (see <see cref="ReadOnlyVault"/>). A vault that is merely behind is fine: <c>migrate</c> brings it forward.
/// </summary>
internal static class VerifyCommand
{
    private sealed record VaultReport(string VaultId, string Status, int? Version, string? Schema, string? Problem);

    public static Outcome Run(CliArguments args, TextWriter stdout, ProgressLine progress, CancellationToken cancellationToken)
    {
        var quick = args.Has("--quick");
        var store = VaultFolder.Open(args);
        var ids = VaultFolder.Ids(store);
        var reports = new List<VaultReport>(ids.Length);
        var failed = 0;
        // One vault at a time: the check is read-bound, and a server may be serving these files meanwhile.
        foreach (var id in ids)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var report = Check(id.ToString(), store.PathOf(id), quick);
            reports.Add(report);
            if (report.Status != "ok") failed++;
            progress.Report("verify", reports.Count, ids.Length, failed);
        }

        if (args.Json)
        {
            JsonReport.Write(stdout, new
            {
                command = "verify",
                check = quick ? "quick_check" : "integrity_check",
                total = reports.Count,
                ok = reports.Count - failed,
                failed,
                behind = reports.Count(r => r.Schema == "behind"),
                vaults = reports,
            });
        }
        else
        {
            foreach (var r in reports.Where(r => r.Status != "ok" || r.Schema == "behind"))
            {
                stdout.WriteLine(r.Status == "ok"
                    ? $"  behind   {r.VaultId} (version {r.Version}, latest {PortfolioSchema.Schema.LatestVersion}; run migrate)"
                    : $"  {r.Status,-8} {r.VaultId}: {r.Problem}");
            }
            stdout.WriteLine($"{reports.Count} vaults checked ({(quick ? "quick_check" : "integrity_check")}): {reports.Count - failed} ok, {failed} failed.");
        }
        return failed == 0 ? Outcome.Ok : Outcome.SomeVaultsFailed;
    }

    private static VaultReport Check(string id, string path, bool quick)
    {
        try
        {
            return ReadOnlyVault.Read(path, connection =>
            {
                var (applicationId, version) = ReadOnlyVault.Header(connection);
                if (applicationId != PortfolioSchema.ApplicationId)
                {
                    return new VaultReport(id, "foreign", version, null,
                        $"not a vault of this application (application_id {applicationId}, expected {PortfolioSchema.ApplicationId}).");
                }
                var latest = PortfolioSchema.Schema.LatestVersion;
                var schema = version < latest ? "behind" : version == latest ? "current" : "newer";
                var problems = Integrity(connection, quick);
                if (problems is not null) return new VaultReport(id, "damaged", version, schema, problems);
                if (schema == "newer")
                {
                    return new VaultReport(id, "newer", version, schema, $"schema version {version} is newer than this build's {latest}; upgrade the CLI.");
                }
                return new VaultReport(id, "ok", version, schema, null);
            });
        }
        catch (SqliteException ex)
        {
            // SQLITE_CORRUPT, SQLITE_NOTADB and the like: the file cannot even be read as what it claims to be.
            return new VaultReport(id, "damaged", null, null, ex.Message);
        }
        catch (Exception ex) when (ex is VaultNotReadableException or IOException or UnauthorizedAccessException)
        {
            return new VaultReport(id, "unreadable", null, null, ex.Message);
        }
    }

    /// <summary>Null when the check says "ok"; otherwise its first 10 findings.</summary>
    private static string? Integrity(SqliteConnection connection, bool quick)
    {
        using var command = connection.CreateCommand();
        command.CommandText = quick ? "PRAGMA quick_check(10)" : "PRAGMA integrity_check(10)";
        // No command timeout: a large vault's integrity check may take longer than the default 30 s.
        command.CommandTimeout = 0;
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read()) lines.Add(reader.GetString(0));
        return lines is ["ok"] ? null : string.Join("; ", lines);
    }
}
