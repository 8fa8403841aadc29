using Microsoft.Data.Sqlite;

namespace Bullion.Vaults;

/// <summary>The outcome of bringing one vault up to date.</summary>
public readonly record struct MigrationOutcome(int FromVersion, int ToVersion)
{
    public bool Migrated => ToVersion != FromVersion;
}

/// <summary>
/// Applies a <see cref="VaultSchema"/> to an open vault connection. Each migration and its <c>user_version</c> bump
/// commit in one <c>BEGIN IMMEDIATE</c> transaction, so a failure leaves the vault exactly at its previous version.
/// </summary>
public static class VaultMigrator
{
    public static MigrationOutcome Migrate(SqliteConnection connection, VaultSchema schema, VaultId? id = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(schema);

        // The common case, an up-to-date vault, costs this one read.
        var (applicationId, from) = VaultConnection.ReadHeader(connection);
        CheckApplicationId(applicationId, schema, id);
        if (from > schema.LatestVersion) throw new VaultFromTheFutureException(id, from, schema.LatestVersion);
        if (from == schema.LatestVersion) return new MigrationOutcome(from, from);

        var current = from;
        while (true)
        {
            // Plain SQL rather than SqliteTransaction, so Apply-style migrations need not thread a transaction object.
            VaultConnection.Execute(connection, "BEGIN IMMEDIATE");
            var committed = false;
            try
            {
                // Re-read under the write lock: another process (the fleet migrator beside the server) may have moved it on.
                (_, current) = VaultConnection.ReadHeader(connection);
                if (current > schema.LatestVersion) throw new VaultFromTheFutureException(id, current, schema.LatestVersion);
                if (current == schema.LatestVersion)
                {
                    VaultConnection.Execute(connection, "COMMIT");
                    committed = true;
                    return new MigrationOutcome(from, current);
                }

                var migration = schema.Migrations[current];
                try
                {
                    if (migration.Sql is not null)
                    {
                        VaultConnection.Execute(connection, migration.Sql);
                    }
                    else
                    {
                        migration.Apply!(connection);
                    }
                    VaultConnection.Execute(connection, $"PRAGMA user_version = {migration.Version}");
                    VaultConnection.Execute(connection, "COMMIT");
                    committed = true;
                }
#pragma warning disable CA1031 // a migration written as code may fail any way; it is rolled back and named either way
                catch (Exception ex) when (ex is not OperationCanceledException and not VaultException)
#pragma warning restore CA1031
                {
                    throw new VaultMigrationException(id, migration.Version, migration.Name, current, ex);
                }
            }
            finally
            {
                // SQLite may already have rolled back on its own (e.g. SQLITE_FULL); only roll back an open transaction.
                if (!committed && !connection.IsAutocommit())
                {
                    VaultConnection.Execute(connection, "ROLLBACK");
                }
            }
        }
    }

    internal static void CheckApplicationId(int applicationId, VaultSchema schema, VaultId? id)
    {
        if (applicationId != schema.ApplicationId)
        {
            throw new VaultForeignFileException(id, applicationId, schema.ApplicationId);
        }
    }
}
