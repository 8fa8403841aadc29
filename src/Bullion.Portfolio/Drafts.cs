using System.Text.Json;
using Bullion.Vaults;
using Microsoft.Data.Sqlite;

namespace Bullion.Portfolio;

/// <summary>
/// A half-typed item form kept in the vault (settings table, key <c>draft:&lt;form&gt;</c>), so a reload or a lost
/// connection does not lose it. Written by the form's autosave timer, cleared when the item is saved.
/// </summary>
public sealed record SaveDraft(string Form, ItemInput? Input) : IVaultWrite<bool>
{
    public bool Execute(SqliteConnection connection)
    {
        SaveSettings.Set(connection, "draft:" + Form, Input is null ? null : JsonSerializer.Serialize(Input));
        return true;
    }
}

public sealed record ReadDraft(string Form) : IVaultRead<ItemInput?>
{
    public ItemInput? Execute(SqliteConnection connection)
    {
        var command = connection.Cached("SELECT value FROM settings WHERE key = $key", "$key");
        command.Parameters["$key"].Value = "draft:" + Form;
        return command.ExecuteScalar() is string json ? Parse(json) : null;
    }

    private static ItemInput? Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ItemInput>(json);
        }
        catch (JsonException)
        {
            return null; // a draft is a convenience: a damaged one is dropped, never an error
        }
    }
}
