using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Bullion.Vaults;

/// <summary>Opens SQLite connections to vault files with the runtime's settings; the only place that does.</summary>
internal static class VaultConnection
{
    private const int SqliteDbConfigLookaside = 1001; // SQLITE_DBCONFIG_LOOKASIDE

    /// <summary>
    /// Opens an existing file (never creates one: <c>Mode=ReadWrite</c>), or a new one when <paramref name="create"/> is set.
    /// Pooling is off: the pool keeps files open after Close, leaking three descriptors per vault.
    /// </summary>
    public static SqliteConnection Open(string path, VaultOptions options, bool create = false, bool readOnly = false)
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
            using var pragmas = connection.CreateCommand();
            pragmas.CommandText =
                $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds};" +
                $"PRAGMA synchronous = {(options.Synchronous == VaultSynchronous.Full ? "FULL" : "NORMAL")};" +
                "PRAGMA foreign_keys = ON;" +
                $"PRAGMA cache_size = -{options.CacheSizeKib};";
            pragmas.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

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
