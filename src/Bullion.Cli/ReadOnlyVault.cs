using Microsoft.Data.Sqlite;

namespace Bullion.Cli;

/// <summary>A vault file that could not be read without changing or creating a file; the message says why.</summary>
internal sealed class VaultNotReadableException(string message) : Exception(message);

/// <summary>
/// Reads a vault file without writing to it or creating anything next to it, beside a server that may have it open.
/// </summary>
/// <remarks>
/// A plain <c>Mode=ReadOnly</c> open of a WAL file creates its <c>-wal</c> and <c>-shm</c> when they are missing
/// (SQLite ≥ 3.22 does so for read-only WAL connections), which is the normal state of a vault the server has not
/// opened since it was created or since the server stopped. So:
/// <list type="bullet">
/// <item>both sidecars present (the server has it open, or closed it idle and kept them): a read-only connection that
/// never checkpoints on close, coordinated with the server through WAL and busy_timeout;</item>
/// <item>no WAL, or an empty one: nothing is pending outside the main file, so it is read with <c>immutable=1</c>
/// (no locks, no sidecars). Immutable reads do not see a concurrent writer, so the file's size, time and sidecars are
/// compared before and after; if anything moved (the server opened it meanwhile) the read is repeated, now through the
/// sidecars it created;</item>
/// <item>a WAL holding commits but no <c>-shm</c> (a crash): reading it would create the index, so it is refused.</item>
/// </list>
/// </remarks>
internal static class ReadOnlyVault
{
    private const int Attempts = 3;

    public static T Read<T>(string path, Func<SqliteConnection, T> read)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var before = FileStamp.Of(path);
            if (!before.Exists) throw new VaultNotReadableException("the file disappeared (deleted while the run went on).");
            if (before.WalExists && before.ShmExists) return ReadShared(path, read);
            if (before.WalLength > 0)
            {
                throw new VaultNotReadableException("its -wal holds commits but its -shm is missing (left by a crash); open it once through the server or `bullion migrate`, then run this again.");
            }
            var result = ReadImmutable(path, read);
            if (FileStamp.Of(path) == before) return result;
        }
        throw new VaultNotReadableException($"the file kept changing while it was read ({Attempts} tries); run this again.");
    }

    private static T ReadShared<T>(string path, Func<SqliteConnection, T> read)
    {
        using var connection = Open(new SqliteConnectionStringBuilder { DataSource = path });
        // A read-only connection must never try to checkpoint the server's WAL into the file at its close.
        SQLitePCL.raw.sqlite3_db_config(connection.Handle, 1006 /* SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE */, 1, out _);
        using (var pragma = connection.CreateCommand())
        {
            // 5 s: the server's own busy_timeout (Vaults:BusyTimeout) — wait for its WAL restarts, never fail for them.
            pragma.CommandText = "PRAGMA busy_timeout = 5000";
            pragma.ExecuteNonQuery();
        }
        return read(connection);
    }

    private static T ReadImmutable<T>(string path, Func<SqliteConnection, T> read)
    {
        using var connection = Open(new SqliteConnectionStringBuilder { DataSource = new Uri(path).AbsoluteUri + "?immutable=1" });
        return read(connection);
    }

    private static SqliteConnection Open(SqliteConnectionStringBuilder builder)
    {
        builder.Mode = SqliteOpenMode.ReadOnly;
        // Pooling off: a pooled connection would keep the file (and its locks) open after the read.
        builder.Pooling = false;
        builder.DefaultTimeout = 5;
        var connection = new SqliteConnection(builder.ConnectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Reads <c>application_id</c> and <c>user_version</c>.</summary>
    public static (int ApplicationId, int UserVersion) Header(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT a.application_id, v.user_version FROM pragma_application_id AS a, pragma_user_version AS v";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    private readonly record struct FileStamp(bool Exists, long Length, DateTime WrittenUtc, bool WalExists, long WalLength, bool ShmExists)
    {
        public static FileStamp Of(string path)
        {
            var file = new FileInfo(path);
            var wal = new FileInfo(path + "-wal");
            return new FileStamp(file.Exists, file.Exists ? file.Length : 0, file.Exists ? file.LastWriteTimeUtc : default,
                wal.Exists, wal.Exists ? wal.Length : 0, File.Exists(path + "-shm"));
        }
    }
}
