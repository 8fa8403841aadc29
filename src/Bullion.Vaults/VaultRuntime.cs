using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Bullion.Vaults;

/// <summary>Whether the process-wide SQLite settings took effect (see <see cref="VaultRuntime.ConfigureSqlite()"/>).</summary>
public enum SqliteConfigurationStatus
{
    /// <summary>Configured before SQLite initialised: connections allocate no page-cache slots in advance.</summary>
    Applied,

    /// <summary>
    /// SQLite was already initialised (a connection was opened first, e.g. the web host's registry through EF Core), so
    /// it answered SQLITE_MISUSE. Everything still works; each open vault costs ≈85 KB more native memory.
    /// </summary>
    TooLate,

    /// <summary>Not attempted or not possible on this platform or SQLite build (see the detail).</summary>
    Unsupported,
}

/// <summary>The outcome of <see cref="VaultRuntime.ConfigureSqlite()"/>, the same for every call in a process.</summary>
public sealed record SqliteConfiguration(SqliteConfigurationStatus Status, string Detail)
{
    public bool Applied => Status == SqliteConfigurationStatus.Applied;
}

/// <summary>Process-wide set-up of the vault runtime.</summary>
public static class VaultRuntime
{
    private static readonly Lazy<SqliteConfiguration> Configuration = new(Configure, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Turns off SQLite's page-cache bulk preallocation. Call it first thing in a process, before anything opens a
    /// SQLite connection (the vault store calls it too, which is enough when no other SQLite use comes first).
    /// Idempotent and thread-safe: the first call decides, later calls return the same outcome.
    /// </summary>
    /// <remarks>
    /// By default every connection's page cache allocates <c>SQLITE_DEFAULT_PCACHE_INITSZ</c> = 20 page slots
    /// (20 × ≈4.3 KB ≈ 85 KB) at its first page fetch, which is the schema load, before our <c>PRAGMA cache_size</c>
    /// can apply. With thousands of small open vaults that was most of the memory: measured 2026-12-04 on 5,000 vaults,
    /// RSS per open vault 154.6 KB with the default and ≈80–85 KB with <c>sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0)</c>
    /// (pcache1 then sets its initial bulk to 0 pages and allocates slots one by one, up to cache_size).
    /// <c>sqlite3_config</c> only works before <c>sqlite3_initialize</c>, which the first connection runs; later it
    /// returns SQLITE_MISUSE and changes nothing.
    /// </remarks>
    public static SqliteConfiguration ConfigureSqlite() => Configuration.Value;

    /// <summary>As <see cref="ConfigureSqlite()"/>, and logs the outcome (a warning when it came too late).</summary>
    public static SqliteConfiguration ConfigureSqlite(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var result = Configuration.Value;
        if (result.Applied)
        {
            logger.LogDebug("SQLite configured for many small vaults: {Detail}", result.Detail);
        }
        else
        {
            logger.LogWarning("SQLite page-cache preallocation is on ({Status}): {Detail}", result.Status, result.Detail);
        }
        return result;
    }

    private static SqliteConfiguration Configure()
    {
        if (OperatingSystem.IsMacOS() && RuntimeInformation.ProcessArchitecture == Architecture.Arm64)
        {
            return new(SqliteConfigurationStatus.Unsupported, "sqlite3_config is variadic and Apple arm64 passes variadic arguments on the stack; not called.");
        }
        // Loads and registers the bundled e_sqlite3 (Microsoft.Data.Sqlite does the same on first use); it does not initialise SQLite.
        SQLitePCL.Batteries_V2.Init();
        int rc;
        try
        {
            rc = SqliteNative.Config(SqliteNative.ConfigPageCache, IntPtr.Zero, 0, 0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return new(SqliteConfigurationStatus.Unsupported, $"the e_sqlite3 library is not the one in use ({ex.Message}).");
        }
        return rc switch
        {
            SqliteNative.Ok => new(SqliteConfigurationStatus.Applied, "SQLITE_CONFIG_PAGECACHE(NULL, 0, 0): no page-cache bulk preallocation."),
            SqliteNative.Misuse => new(SqliteConfigurationStatus.TooLate,
                "SQLite was initialised before VaultRuntime.ConfigureSqlite() ran (call it before the first SQLite connection); each open vault costs ≈85 KB more."),
            _ => new(SqliteConfigurationStatus.Unsupported, $"sqlite3_config returned {rc}."),
        };
    }
}
