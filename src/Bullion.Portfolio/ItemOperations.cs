using System.Globalization;
using Bullion.Vaults;
using Microsoft.Data.Sqlite;

namespace Bullion.Portfolio;

// The portfolio's reads and writes: immutable records run on one vault's connection through IVaultAccess.

public sealed record AddItem(ValidItem Item, string Currency, DateTimeOffset Now) : IVaultWrite<long>
{
    public long Execute(SqliteConnection connection)
    {
        var command = connection.Cached("""
            INSERT INTO items (name, category, weight_grams, purity_percent, quantity, purchase_price, currency, purchase_date, notes, created_at, updated_at)
            VALUES ($name, $category, $weight, $purity, $quantity, $price, $currency, $date, $notes, $now, $now)
            RETURNING id
            """, "$name", "$category", "$weight", "$purity", "$quantity", "$price", "$currency", "$date", "$notes", "$now");
        ItemRows.Bind(command, Item);
        command.Parameters["$currency"].Value = Currency;
        command.Parameters["$now"].Value = ItemRows.Time(Now);
        return (long)command.ExecuteScalar()!;
    }
}

/// <summary>Replaces an item's fields (not its currency or creation time). False when the item is gone.</summary>
public sealed record UpdateItem(long Id, ValidItem Item, DateTimeOffset Now) : IVaultWrite<bool>
{
    public bool Execute(SqliteConnection connection)
    {
        var command = connection.Cached("""
            UPDATE items SET name = $name, category = $category, weight_grams = $weight, purity_percent = $purity,
                quantity = $quantity, purchase_price = $price, purchase_date = $date, notes = $notes, updated_at = $now
            WHERE id = $id
            """, "$name", "$category", "$weight", "$purity", "$quantity", "$price", "$date", "$notes", "$now", "$id");
        ItemRows.Bind(command, Item);
        command.Parameters["$now"].Value = ItemRows.Time(Now);
        command.Parameters["$id"].Value = Id;
        return command.ExecuteNonQuery() == 1;
    }
}

public sealed record DeleteItem(long Id) : IVaultWrite<bool>
{
    public bool Execute(SqliteConnection connection)
    {
        var command = connection.Cached("DELETE FROM items WHERE id = $id", "$id");
        command.Parameters["$id"].Value = Id;
        return command.ExecuteNonQuery() == 1;
    }
}

/// <summary>Every item, newest first.</summary>
public sealed record ListItems : IVaultRead<IReadOnlyList<Item>>
{
    public IReadOnlyList<Item> Execute(SqliteConnection connection)
    {
        var command = connection.Cached($"SELECT {ItemRows.Columns} FROM items ORDER BY created_at DESC, id DESC");
        using var reader = command.ExecuteReader();
        var items = new List<Item>();
        while (reader.Read()) items.Add(ItemRows.Read(reader));
        return items;
    }
}

public sealed record GetItem(long Id) : IVaultRead<Item?>
{
    public Item? Execute(SqliteConnection connection)
    {
        var command = connection.Cached($"SELECT {ItemRows.Columns} FROM items WHERE id = $id", "$id");
        command.Parameters["$id"].Value = Id;
        using var reader = command.ExecuteReader();
        return reader.Read() ? ItemRows.Read(reader) : null;
    }
}

internal static class ItemRows
{
    public const string Columns = "id, name, category, weight_grams, purity_percent, quantity, purchase_price, currency, purchase_date, notes, created_at, updated_at";

    public static void Bind(SqliteCommand command, ValidItem item)
    {
        command.Parameters["$name"].Value = item.Name;
        command.Parameters["$category"].Value = item.Category.ToString().ToLowerInvariant();
        command.Parameters["$weight"].Value = Gold.Store(item.WeightGrams);
        command.Parameters["$purity"].Value = Gold.Store(item.PurityPercent);
        command.Parameters["$quantity"].Value = item.Quantity;
        command.Parameters["$price"].Value = Gold.Store(item.PurchasePrice);
        command.Parameters["$date"].Value = item.PurchaseDate is { } d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : DBNull.Value;
        command.Parameters["$notes"].Value = (object?)item.Notes ?? DBNull.Value;
    }

    // UTC, fixed width: text order is time order.
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static Item Read(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        Enum.Parse<Category>(reader.GetString(2), ignoreCase: true),
        Gold.Load(reader.GetString(3)),
        Gold.Load(reader.GetString(4)),
        reader.GetInt32(5),
        Gold.Load(reader.GetString(6)),
        reader.GetString(7),
        reader.IsDBNull(8) ? null : DateOnly.ParseExact(reader.GetString(8), "yyyy-MM-dd", CultureInfo.InvariantCulture),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        DateTimeOffset.Parse(reader.GetString(10), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        DateTimeOffset.Parse(reader.GetString(11), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
}
