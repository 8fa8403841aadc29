using Bullion.Vaults;
using Microsoft.Data.Sqlite;

namespace Bullion.Bench;

/// <summary>The benchmarks' own vault schema and plain-connection helpers (for measuring around the runtime, not through it).</summary>
internal static class BenchVault
{
    /// <summary>'BNCH': the benchmarks' vaults are not gold vaults, and the runtime must not mistake one for the other.</summary>
    public const int ApplicationId = 0x424E4348;

    public static readonly VaultMigration WritesTable = new(1, "writes", Sql: """
        CREATE TABLE writes (
            id     INTEGER PRIMARY KEY,
            writer INTEGER NOT NULL,
            seq    INTEGER NOT NULL
        );
        """);

    public static VaultSchema WritesSchema { get; } = new(ApplicationId, [WritesTable]);

    /// <summary>
    /// A plain Microsoft.Data.Sqlite connection with the runtime's documented settings (WAL, synchronous=NORMAL,
    /// busy_timeout 5 s, pooling off) and nothing else: the yardstick for the runtime's own overhead.
    /// </summary>
    public static SqliteConnection OpenPlain(string path, bool readOnly = false)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ConnectionString);
        connection.Open();
        Execute(connection, readOnly
            ? "PRAGMA busy_timeout = 5000;"
            : "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
        return connection;
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
