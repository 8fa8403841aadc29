using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Bullion.Vaults;

/// <summary>
/// The two SQLite entry points the runtime needs that SQLitePCLRaw 2.1.13's <c>raw</c> does not expose with the
/// right arguments: <c>sqlite3_config</c> with a pointer and two ints, and <c>sqlite3_file_control</c> with an int*.
/// Both bind to the same <c>e_sqlite3</c> library Microsoft.Data.Sqlite loads (the bundle's native asset), so they
/// act on the very SQLite instance the connections use.
/// </summary>
internal static unsafe partial class SqliteNative
{
    public const int Ok = 0;
    public const int Busy = 5; // SQLITE_BUSY: another connection holds a lock we need
    public const int Misuse = 21; // SQLITE_MISUSE: sqlite3_config after sqlite3_initialize
    public const int NotFound = 12; // SQLITE_NOTFOUND: the VFS does not know the file-control opcode

    /// <summary>SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE (through raw.sqlite3_db_config): 1 = the last close does not checkpoint.</summary>
    public const int DbConfigNoCheckpointOnClose = 1006;

    /// <summary>SQLITE_CONFIG_PAGECACHE: (void* buffer, int slot size, int slot count).</summary>
    public const int ConfigPageCache = 7;

    /// <summary>SQLITE_FCNTL_PERSIST_WAL: int* in/out; 1 keeps -wal/-shm at the last close, 0 deletes them, -1 queries.</summary>
    public const int FcntlPersistWal = 10;

    // sqlite3_config is variadic (int, ...). Passing the variadic part as fixed arguments is what C callers compile to on
    // x64 (SysV and Windows) and Linux arm64, where variadic integers and pointers travel in the same registers as fixed
    // ones; Apple arm64 puts them on the stack, so VaultRuntime never calls this there.
    [LibraryImport("e_sqlite3", EntryPoint = "sqlite3_config")]
    public static partial int Config(int op, IntPtr buffer, int size, int count);

    [LibraryImport("e_sqlite3", EntryPoint = "sqlite3_file_control")]
    private static partial int FileControl(IntPtr db, byte* databaseName, int op, int* arg);

    /// <summary>Sets (1), clears (0) or, with -1, reads SQLITE_FCNTL_PERSIST_WAL on the connection's main file.</summary>
    public static int PersistWal(SqliteConnection connection, int value, out int result)
    {
        var handle = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var arg = value;
            // A null database name means "main".
            var rc = FileControl(handle.DangerousGetHandle(), null, FcntlPersistWal, &arg);
            result = arg;
            return rc;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }
}
