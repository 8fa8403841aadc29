using Bullion.Vaults;
using Microsoft.Data.Sqlite;

namespace Bullion.Web.Tests;

/// <summary>A real write to a vault's <c>settings</c> table, through the host's writer.</summary>
internal sealed record PutSetting(string Key, string Value) : IVaultWrite<int>
{
    public int Execute(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO settings (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        command.Parameters.AddWithValue("$key", Key);
        command.Parameters.AddWithValue("$value", Value);
        return command.ExecuteNonQuery();
    }
}
