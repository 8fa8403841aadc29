using Microsoft.Data.Sqlite;

namespace Bullion.Vaults.Tests;

public class MigrationTests
{
    // Migration 2 adds a unique index: it fails on any vault holding a duplicate k, as the seed's migration did.
    private static readonly VaultMigration UniqueK = new(2, "unique k", """
        CREATE TABLE audit (id INTEGER PRIMARY KEY, note TEXT NOT NULL);
        INSERT INTO audit (note) VALUES ('migrated');
        CREATE UNIQUE INDEX rows_k_unique ON rows (k);
        """);

    // The fixed migration removes duplicates first.
    private static readonly VaultMigration UniqueKFixed = new(2, "unique k (dedupe first)", """
        CREATE TABLE audit (id INTEGER PRIMARY KEY, note TEXT NOT NULL);
        INSERT INTO audit (note) VALUES ('migrated');
        DELETE FROM rows WHERE id NOT IN (SELECT min(id) FROM rows GROUP BY k);
        CREATE UNIQUE INDEX rows_k_unique ON rows (k);
        """);

    [Fact]
    public async Task A_failing_migration_leaves_that_vault_exactly_as_it_was_and_every_other_vault_current()
    {
        using var folder = new TempFolder();
        var v1 = new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.V1);
        var ids = new List<VaultId>();
        for (var i = 0; i < 60; i++)
        {
            var id = VaultId.New();
            v1.Create(id);
            ids.Add(id);
            using var connection = new SqliteConnection($"Data Source={Path.Combine(folder.Path, id.FileName)};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            // Vault 30 gets a duplicate k; the others do not.
            command.CommandText = i == 30
                ? "INSERT INTO rows (k, v) VALUES (1, 'x'), (1, 'y'), (2, 'z')"
                : "INSERT INTO rows (k, v) VALUES (1, 'x'), (2, 'y')";
            command.ExecuteNonQuery();
        }
        var broken = ids[30];
        var before = Files.Fingerprint(Path.Combine(folder.Path, broken.FileName));

        var v2 = new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.With(UniqueK));
        var progress = new List<FleetMigrationProgress>();
        var results = await FleetMigrator.MigrateAllAsync(v2, parallelism: 4, progress.Add);

        Assert.Equal(60, results.Count);
        var failure = Assert.Single(results, r => r.Status == FleetMigrationStatus.Failed);
        Assert.Equal(broken, failure.VaultId);
        Assert.Equal(2, failure.FailedMigration);
        Assert.Equal(1, failure.FromVersion);
        Assert.Contains("UNIQUE", failure.Error, StringComparison.OrdinalIgnoreCase);
        Assert.All(results.Where(r => r.VaultId != broken), r =>
        {
            Assert.Equal(FleetMigrationStatus.Migrated, r.Status);
            Assert.Equal((1, 2), (r.FromVersion, r.ToVersion));
        });
        Assert.Equal(before, Files.Fingerprint(Path.Combine(folder.Path, broken.FileName)));
        Assert.Contains("version=1\n", before, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, 60), progress.Select(p => p.Done));
        Assert.Equal(1, progress[^1].Failed);

        // Re-running the same migration changes nothing more; fixing it finishes the job.
        var again = await FleetMigrator.MigrateAllAsync(v2);
        Assert.Equal(59, again.Count(r => r.Status == FleetMigrationStatus.AlreadyCurrent));
        Assert.Single(again, r => r.Status == FleetMigrationStatus.Failed);

        var fixedStore = new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.With(UniqueKFixed));
        var final = await FleetMigrator.MigrateAllAsync(fixedStore);
        Assert.Equal(FleetMigrationStatus.Migrated, Assert.Single(final, r => r.VaultId == broken).Status);
        Assert.Equal(59, final.Count(r => r.Status == FleetMigrationStatus.AlreadyCurrent));
        Assert.Contains("version=2\n", Files.Fingerprint(Path.Combine(folder.Path, broken.FileName)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_migration_that_fails_halfway_undoes_its_first_half()
    {
        using var folder = new TempFolder();
        var id = VaultId.New();
        new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.V1).Create(id);
        var halfway = new VaultMigration(2, "halfway", "CREATE TABLE first_half (x); INSERT INTO no_such_table VALUES (1);");
        var store = new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.With(halfway));

        var error = Assert.Throws<VaultMigrationException>(() => store.Open(id, out _).Dispose());

        Assert.Equal(2, error.FailedVersion);
        Assert.Equal(1, error.FromVersion);
        Assert.Contains(id.ToString(), error.Message, StringComparison.Ordinal);
        var fingerprint = Files.Fingerprint(Path.Combine(folder.Path, id.FileName));
        Assert.DoesNotContain("first_half", fingerprint, StringComparison.Ordinal);
        Assert.Contains("version=1\n", fingerprint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_migration_written_as_code_runs_in_the_same_transaction()
    {
        using var folder = new TempFolder();
        var id = VaultId.New();
        new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.V1).Create(id);
        var code = new VaultMigration(2, "code then fail", Apply: connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO rows (k, v) VALUES (7, 'seven')";
            command.ExecuteNonQuery();
            throw new InvalidOperationException("data does not fit");
        });
        var store = new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.With(code));

        Assert.Throws<VaultMigrationException>(() => store.Open(id, out _).Dispose());

        Assert.DoesNotContain("seven", Files.Fingerprint(Path.Combine(folder.Path, id.FileName)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_vault_from_the_future_is_refused_not_downgraded()
    {
        using var folder = new TempFolder();
        var id = VaultId.New();
        var newer = new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.With(UniqueKFixed));
        newer.Create(id);
        var older = new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.V1);

        var error = Assert.Throws<VaultFromTheFutureException>(() => older.Open(id, out _).Dispose());

        Assert.Equal(2, error.FileVersion);
        Assert.Equal(1, error.CodeVersion);
        Assert.Contains("version=2\n", Files.Fingerprint(Path.Combine(folder.Path, id.FileName)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_fleet_migrator_reports_a_vault_from_the_future_as_a_failure_and_goes_on()
    {
        using var folder = new TempFolder();
        var newer = new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.With(UniqueKFixed));
        var future = VaultId.New();
        newer.Create(future);
        var older = new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.V1);
        var current = VaultId.New();
        older.Create(current);

        var results = await FleetMigrator.MigrateAllAsync(older);

        Assert.Equal(FleetMigrationStatus.Failed, results.Single(r => r.VaultId == future).Status);
        Assert.Equal(FleetMigrationStatus.AlreadyCurrent, results.Single(r => r.VaultId == current).Status);
    }

    [Fact]
    public void Schemas_must_be_numbered_without_gaps_and_mark_their_files()
    {
        Assert.Throws<ArgumentException>(() => new VaultSchema(1, [new VaultMigration(1, "a", "SELECT 1"), new VaultMigration(3, "c", "SELECT 1")]));
        Assert.Throws<ArgumentException>(() => new VaultSchema(0, [new VaultMigration(1, "a", "SELECT 1")]));
        Assert.Throws<ArgumentException>(() => new VaultSchema(1, [new VaultMigration(1, "neither")]));
    }
}
