using Bullion.Vaults;

namespace Bullion.Portfolio;

/// <summary>
/// The schema of a gold vault. Migrations are append-only: never edit a released one, add the next number.
/// Money and weights are stored as TEXT holding invariant-culture decimals, because SQLite's REAL would round them.
/// </summary>
public static class PortfolioSchema
{
    /// <summary>'BULL' in ASCII: marks a SQLite file as a Bullion vault (<c>PRAGMA application_id</c>).</summary>
    public const int ApplicationId = 0x42554C4C;

    public static VaultSchema Schema { get; } = new(ApplicationId,
    [
        new VaultMigration(1, "items and settings", Sql: """
            CREATE TABLE items (
                id              INTEGER PRIMARY KEY,
                name            TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
                category        TEXT    NOT NULL CHECK (category IN ('bar', 'coin', 'jewelry', 'other')),
                weight_grams    TEXT    NOT NULL,
                purity_percent  TEXT    NOT NULL,
                quantity        INTEGER NOT NULL CHECK (quantity > 0),
                purchase_price  TEXT    NOT NULL,
                currency        TEXT    NOT NULL CHECK (length(currency) BETWEEN 3 AND 8),
                purchase_date   TEXT,
                notes           TEXT    CHECK (notes IS NULL OR length(notes) <= 2000),
                created_at      TEXT    NOT NULL,
                updated_at      TEXT    NOT NULL
            );
            CREATE INDEX items_created ON items (created_at DESC, id DESC);
            CREATE TABLE settings (
                key   TEXT PRIMARY KEY,
                value TEXT NOT NULL
            ) WITHOUT ROWID;
            """),
    ]);
}
