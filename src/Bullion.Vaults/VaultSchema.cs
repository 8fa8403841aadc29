using Microsoft.Data.Sqlite;

namespace Bullion.Vaults;

/// <summary>
/// One step of a vault's schema. <paramref name="Version"/> is the <c>user_version</c> the vault has after it.
/// Either <paramref name="Sql"/> runs, or <paramref name="Apply"/> does (for data moves that need code);
/// both run inside the migration's transaction.
/// </summary>
public sealed record VaultMigration(int Version, string Name, string? Sql = null, Action<SqliteConnection>? Apply = null);

/// <summary>
/// What makes a SQLite file a vault of a given application: its <c>application_id</c> and its ordered migrations.
/// The runtime knows nothing else about the data (no gold in here).
/// </summary>
public sealed class VaultSchema
{
    public VaultSchema(int applicationId, IEnumerable<VaultMigration> migrations)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        if (applicationId == 0)
        {
            throw new ArgumentException("application_id 0 is SQLite's default and would not mark our files.", nameof(applicationId));
        }
        var list = migrations.OrderBy(m => m.Version).ToArray();
        for (var i = 0; i < list.Length; i++)
        {
            if (list[i].Version != i + 1)
            {
                throw new ArgumentException($"Migrations must be numbered 1..N without gaps; found {list[i].Version} at position {i + 1}.", nameof(migrations));
            }
            if ((list[i].Sql is null) == (list[i].Apply is null))
            {
                throw new ArgumentException($"Migration {list[i].Version} ({list[i].Name}) needs exactly one of Sql or Apply.", nameof(migrations));
            }
        }
        ApplicationId = applicationId;
        Migrations = list;
    }

    public int ApplicationId { get; }

    public IReadOnlyList<VaultMigration> Migrations { get; }

    /// <summary>The schema version a vault has once every migration ran.</summary>
    public int LatestVersion => Migrations.Count;
}
