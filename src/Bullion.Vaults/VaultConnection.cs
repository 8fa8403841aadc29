using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Bullion.Vaults;

/// <summary>Opens SQLite connections to vault files with the runtime's settings; the only place that does.</summary>
internal static class VaultConnection
{
    private const int SqliteDbConfigLookaside = 1001; // SQLITE_DBCONFIG_LOOKASIDE

    /// <summary>
    /// 8 MiB. Any limit ≥ 0 makes the close of a kept WAL (SQLITE_FCNTL_PERSIST_WAL) truncate it to 0 bytes; while the
    /// vault is open, the limit only trims a WAL that outgrew it, at a WAL restart. First set to 0 (2026-12-04): then
    /// every restart (each ≈1,000-page autocheckpoint) truncated the WAL and the next commits regrew it, and 5 writers
    /// on one vault went from 138k–159k to 122k–138k writes/s in alternating 10 s runs. 8 MiB is twice the ≈4 MB that
    /// a WAL reaches between autocheckpoints, so steady writing never truncates.
    /// </summary>
    public const long JournalSizeLimitBytes = 8 * 1024 * 1024;

    /// <summary>
    /// Opens an existing file (never creates one: <c>Mode=ReadWrite</c>), or a new one when <paramref name="create"/> is set.
    /// Pooling is off: the pool keeps files open after Close, leaking three descriptors per vault.
    /// <paramref name="exclusive"/> takes the file for this connection alone (<c>locking_mode = EXCLUSIVE</c>: the
    /// wal-index lives in heap memory, so no <c>-shm</c> is created, mapped or locked) and fails with SQLITE_BUSY at
    /// once when another connection has the vault open.
    /// </summary>
    public static SqliteConnection Open(string path, VaultOptions options, bool create = false, bool readOnly = false, bool exclusive = false)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        };
        var connection = new SqliteConnection(builder.ConnectionString);
        try
        {
            connection.Open();
            // Lookaside gives each connection ~100 KB of private allocator slots; thousands of small vaults
            // are better served by the shared heap (measured: ≈181 → ≈147 KB per open vault).
            // Must run before the connection allocates anything, i.e. before the first statement.
            raw.sqlite3_db_config(connection.Handle, SqliteDbConfigLookaside, IntPtr.Zero, 0, 0);
            // Keep -wal and -shm when the last connection closes (SQLite still checkpoints everything into the main file;
            // with a journal_size_limit set, below, it then truncates the WAL to 0 bytes). Deleting and re-creating both files was
            // more than 90 % of opening a closed vault: measured 2026-12-04, open p99 2.61 ms → reopen p99 ≈0.5 ms.
            // Best effort: a VFS without this opcode (SQLITE_NOTFOUND) just deletes them as before.
            _ = SqliteNative.PersistWal(connection, 1, out _);
            using var pragmas = connection.CreateCommand();
            if (exclusive) TakeExclusively(connection);
            pragmas.CommandText =
                $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds};" +
                $"PRAGMA synchronous = {(options.Synchronous == VaultSynchronous.Full ? "FULL" : "NORMAL")};" +
                "PRAGMA foreign_keys = ON;" +
                $"PRAGMA cache_size = -{options.CacheSizeKib};" +
                $"PRAGMA journal_size_limit = {JournalSizeLimitBytes};";
            pragmas.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sets exclusive locking mode and reads the header, which takes the exclusive lock, or throws SQLITE_BUSY at once
    /// when another connection has the file open (WAL connections hold a shared lock for as long as they are open).
    /// Through <c>raw</c>, not a SqliteCommand: Microsoft.Data.Sqlite retries a busy statement for the whole command
    /// timeout (a first test waited 2 minutes), and busy_timeout = 0 stops SQLite's own busy handler from waiting.
    /// </summary>
    private static void TakeExclusively(SqliteConnection connection)
    {
        var rc = raw.sqlite3_exec(connection.Handle, "PRAGMA locking_mode = EXCLUSIVE; PRAGMA busy_timeout = 0; PRAGMA schema_version;");
        if (rc != SqliteNative.Ok) throw new SqliteException($"The vault could not be taken exclusively: {raw.sqlite3_errstr(rc).utf8_to_string()}.", rc);
    }

    /// <summary>
    /// Closes the connection so that SQLite deletes <c>-wal</c> and <c>-shm</c> at the close (after its checkpoint), as
    /// it would without persistence: for a host that is stopping, so a stopped service leaves only the vault files.
    /// </summary>
    public static void CloseRemovingSidecars(SqliteConnection connection)
    {
        if (connection.State == System.Data.ConnectionState.Open) _ = SqliteNative.PersistWal(connection, 0, out _);
        connection.Dispose();
    }

    /// <summary>True when the WAL at <paramref name="databasePath"/> holds frames (a close that could not checkpoint, or a crash).</summary>
    public static bool HasWalContent(string databasePath) => new FileInfo(databasePath + "-wal") is { Exists: true, Length: > 0 };

    /// <summary>Reads <c>application_id</c> and <c>user_version</c> in one statement.</summary>
    public static (int ApplicationId, int UserVersion) ReadHeader(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT a.application_id, v.user_version FROM pragma_application_id AS a, pragma_user_version AS v";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static T Scalar<T>(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}

internal static class SqliteConnectionExtensions
{
    /// <summary>True when no transaction is open on the connection (SQLite's autocommit mode).</summary>
    public static bool IsAutocommit(this SqliteConnection connection) => raw.sqlite3_get_autocommit(connection.Handle) != 0;
}
