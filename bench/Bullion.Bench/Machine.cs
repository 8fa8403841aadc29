using Microsoft.Data.Sqlite;

namespace Bullion.Bench;

internal static class Machine
{
    /// <summary>The SQLite library actually loaded (the bundled e_sqlite3, not the system's).</summary>
    public static string SqliteVersion()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version()";
        return (string)command.ExecuteScalar()!;
    }
}
