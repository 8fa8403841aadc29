using Microsoft.Data.Sqlite;

namespace Bullion.Vaults.Tests;

public class StoreTests
{
    [Fact]
    public void Create_makes_exactly_one_marked_wal_file_at_the_latest_version()
    {
        using var folder = new TempFolder();
        var store = new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.V1);
        var id = VaultId.New();

        store.Create(id);

        Assert.Equal([id.FileName], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
        using var connection = new SqliteConnection($"Data Source={Path.Combine(folder.Path, id.FileName)};Pooling=False");
        connection.Open();
        Assert.Equal(TestSchemas.ApplicationId, VaultConnection.Scalar<int>(connection, "PRAGMA application_id"));
        Assert.Equal(1, VaultConnection.Scalar<int>(connection, "PRAGMA user_version"));
        Assert.Equal("wal", VaultConnection.Scalar<string>(connection, "PRAGMA journal_mode"));
        Assert.True(store.Exists(id));
        Assert.Equal([id], store.Enumerate());
    }

    [Fact]
    public void Creating_an_existing_vault_is_refused_and_keeps_its_data()
    {
        using var folder = new TempFolder();
        var store = new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.V1);
        var id = VaultId.New();
        store.Create(id);
        var path = Path.Combine(folder.Path, id.FileName);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            VaultConnection.Execute(connection, "INSERT INTO rows (k, v) VALUES (1, 'kept')");
        }

        Assert.Throws<VaultAlreadyExistsException>(() => store.Create(id));

        Assert.Contains("kept", Files.Fingerprint(path), StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(folder.Path, "*.db"));
    }

    [Fact]
    public void A_create_that_fails_leaves_nothing_behind()
    {
        using var folder = new TempFolder();
        var broken = new VaultSchema(TestSchemas.ApplicationId, [new VaultMigration(1, "broken", "CREATE TABLE t (x); SELECT * FROM nowhere;")]);
        var store = new VaultStore(new VaultOptions { RootPath = folder.Path }, broken);
        var id = VaultId.New();

        Assert.Throws<VaultMigrationException>(() => store.Create(id));

        Assert.Empty(Directory.GetFiles(folder.Path));
        Assert.False(store.Exists(id));
    }

    [Fact]
    public void Opening_a_missing_vault_is_a_named_error_and_creates_no_file()
    {
        using var folder = new TempFolder();
        var store = new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.V1);

        Assert.Throws<VaultNotFoundException>(() => store.Open(VaultId.New(), out _));

        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void A_foreign_sqlite_file_in_the_store_is_recognised()
    {
        using var folder = new TempFolder();
        var store = new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.V1);
        var id = VaultId.New();
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(folder.Path, id.FileName)};Pooling=False"))
        {
            connection.Open();
            VaultConnection.Execute(connection, "CREATE TABLE other (x)");
        }

        var error = Assert.Throws<VaultForeignFileException>(() => store.Open(id, out _));

        Assert.Equal(0, error.ApplicationId);
    }

    [Fact]
    public void Delete_removes_the_file_and_its_wal_and_shm()
    {
        using var folder = new TempFolder();
        var store = new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.V1);
        var id = VaultId.New();
        store.Create(id);
        var path = Path.Combine(folder.Path, id.FileName);
        File.WriteAllText(path + "-wal", "stale");
        File.WriteAllText(path + "-shm", "stale");

        Assert.True(store.Delete(id));

        Assert.Empty(Directory.GetFiles(folder.Path));
        Assert.False(store.Delete(id));
    }

    [Fact]
    public void Enumerate_lists_only_vault_files()
    {
        using var folder = new TempFolder();
        var store = new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.V1);
        var a = VaultId.New();
        var b = VaultId.New();
        store.Create(a);
        store.Create(b);
        File.WriteAllText(Path.Combine(folder.Path, "notes.db"), "");
        File.WriteAllText(Path.Combine(folder.Path, a.FileName + "-wal"), "");
        File.WriteAllText(Path.Combine(folder.Path, ".creating-abc.tmp"), "");

        Assert.Equal(new[] { a, b }.OrderBy(x => x.Value), store.Enumerate().OrderBy(x => x.Value));
    }

    [Fact]
    public void Work_files_left_by_a_crash_are_swept()
    {
        using var folder = new TempFolder();
        var store = new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.V1);
        File.WriteAllText(Path.Combine(folder.Path, ".creating-abc.tmp"), "");
        File.WriteAllText(Path.Combine(folder.Path, ".importing-abc.tmp-wal"), "");
        File.WriteAllText(Path.Combine(folder.Path, ".keep"), "");

        Assert.Equal(2, store.SweepWorkFiles());

        Assert.Equal([".keep"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_folder_can_be_flushed_and_a_missing_one_is_a_clear_error()
    {
        using var folder = new TempFolder();

        DirectorySync.Flush(folder.Path);

        if (OperatingSystem.IsLinux())
        {
            var error = Assert.Throws<IOException>(() => DirectorySync.Flush(Path.Combine(folder.Path, "missing")));
            Assert.Contains("missing", error.Message, StringComparison.Ordinal);
        }
    }
}
