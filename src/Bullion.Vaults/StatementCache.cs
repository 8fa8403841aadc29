using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Bullion.Vaults;

/// <summary>
/// Prepared commands kept per open vault connection, so a hot write does not re-prepare its SQL each time
/// (Microsoft.Data.Sqlite prepares per command object). Disposed with the vault.
/// </summary>
public static class StatementCache
{
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Caches = new();

    /// <summary>
    /// A prepared command for <paramref name="sql"/> on this connection, reused across calls; set its parameters'
    /// values each time. Only valid inside a vault operation (the connection's single writer owns it).
    /// </summary>
    public static SqliteCommand Cached(this SqliteConnection connection, string sql, params string[] parameterNames)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(parameterNames);
        var cache = Caches.GetOrCreateValue(connection);
        if (!cache.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameterNames) command.Parameters.Add(new SqliteParameter(name, null));
            command.Prepare();
            cache[sql] = command;
        }
        return command;
    }

    internal static void Forget(SqliteConnection connection)
    {
        if (Caches.TryGetValue(connection, out var cache))
        {
            foreach (var command in cache.Values) command.Dispose();
            Caches.Remove(connection);
        }
    }
}
