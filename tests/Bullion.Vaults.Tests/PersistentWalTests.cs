using Microsoft.Data.Sqlite;

namespace Bullion.Vaults.Tests;

/// <summary>
/// Vault connections keep -wal and -shm at close (SQLITE_FCNTL_PERSIST_WAL) with a journal_size_limit (any limit ≥ 0 truncates it at close), so a closed
/// vault is its main file plus a 0-byte WAL and a -shm, and a reopen creates no file.
/// </summary>
public class PersistentWalTests
{
    [Fact]
    public void Every_vault_connection_keeps_its_wal_and_sets_a_journal_size_limit()
    {
        using var folder = new TempFolder();
        var store = new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.V1);
        var id = VaultId.New();
        store.Create(id);

        using var connection = store.Open(id, out _);

        Assert.Equal(SqliteNative.Ok, SqliteNative.PersistWal(connection, -1, out var persist));
        Assert.Equal(1, persist);
        // Any limit ≥ 0 makes the close truncate the kept WAL to 0 bytes (asserted below); 8 MiB spares steady writing.
        Assert.Equal(VaultConnection.JournalSizeLimitBytes, VaultConnection.Scalar<long>(connection, "PRAGMA journal_size_limit"));
    }

    [Fact]
    public async Task A_closed_vault_keeps_an_empty_wal_and_its_data_is_in_the_main_file()
    {
        await using var fixture = new HostFixture();
        var id = fixture.NewVault();
        for (var i = 0; i < 50; i++) await fixture.Host.WriteAsync(id, new InsertRow(i, "v"));
        var path = fixture.Store.PathOf(id);
        Assert.True(new FileInfo(path + "-wal").Length > 0, "the writes are in the WAL while the vault is open");

        fixture.Time.Advance(TimeSpan.FromMinutes(31));
        await fixture.Host.CloseIdleAsync();

        Assert.Equal(0, new FileInfo(path + "-wal").Length);
        Assert.True(File.Exists(path + "-shm"));
        Assert.False(VaultConnection.HasWalContent(path));
        // The main file alone, copied without its sidecars, holds every row: the close checkpointed everything.
        var alone = Path.Combine(fixture.Folder.Path, "alone.db");
        File.Copy(path, alone);
        Assert.Equal(50, Files.CountRows(alone));
    }

    [Fact]
    public async Task Reopening_a_closed_vault_creates_no_file_and_descriptors_return_to_the_baseline_every_time()
    {
        await using var fixture = new HostFixture();
        var root = fixture.Store.RootPath;
        var ids = Enumerable.Range(0, 20).Select(_ => fixture.NewVault()).ToArray();
        var baseline = Files.OpenDescriptorsUnder(root);

        for (var cycle = 0; cycle < 3; cycle++)
        {
            foreach (var id in ids) await fixture.Host.WriteAsync(id, new InsertRow(cycle, "v"));
            var open = Files.OpenDescriptorsUnder(root);
            Assert.InRange(open - baseline, ids.Length, 3 * ids.Length); // at most .db, -wal and -shm per open vault
            var files = Directory.GetFiles(root).Length;

            fixture.Time.Advance(TimeSpan.FromMinutes(31));
            await fixture.Host.CloseIdleAsync();

            Assert.Equal(baseline, Files.OpenDescriptorsUnder(root));
            Assert.Equal(files, Directory.GetFiles(root).Length); // nothing deleted at close…
            Assert.Equal(3 * ids.Length, files); // …and every vault is .db, -wal, -shm
        }
        foreach (var id in ids) Assert.Equal(3, await fixture.Host.ReadAsync(id, new CountRows()));
    }

    [Fact]
    public async Task An_import_over_a_vault_whose_wal_still_holds_frames_folds_them_into_the_old_file_first()
    {
        await using var fixture = new HostFixture();
        var source = fixture.NewVault();
        var target = fixture.NewVault();
        for (var i = 0; i < 5; i++) await fixture.Host.WriteAsync(source, new InsertRow(i, "src"));
        using var export = new MemoryStream();
        await fixture.Host.ExportAsync(source, export);
        export.Position = 0;
        // What a crash leaves: the target's WAL holds committed frames that were never checkpointed.
        var targetPath = fixture.Store.PathOf(target);
        using (var crashed = new SqliteConnection($"Data Source={targetPath};Pooling=False"))
        {
            crashed.Open();
            Assert.Equal(SqliteNative.Ok, SqliteNative.PersistWal(crashed, 1, out _));
            SQLitePCL.raw.sqlite3_db_config(crashed.Handle, 1006 /* SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE */, 1, out _);
            VaultConnection.Execute(crashed, "INSERT INTO rows (k, v) VALUES (7, 'crash')");
        }
        Assert.True(VaultConnection.HasWalContent(targetPath));

        await fixture.Host.ImportAsync(target, export, 1024 * 1024);

        Assert.Equal(5, await fixture.Host.ReadAsync(target, new CountRows()));
        await fixture.Host.DisposeAsync();
        Assert.Equal(5, Files.CountRows(targetPath));
        Assert.Equal(TestSchemas.V1.LatestVersion, int.Parse(Files.Fingerprint(targetPath).Split('\n')[0]["version=".Length..], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task An_export_of_a_closed_vault_is_a_plain_file_and_leaves_only_the_vaults_own_files()
    {
        await using var fixture = new HostFixture();
        var id = fixture.NewVault();
        for (var i = 0; i < 5; i++) await fixture.Host.WriteAsync(id, new InsertRow(i, "x"));
        fixture.Time.Advance(TimeSpan.FromMinutes(31));
        await fixture.Host.CloseIdleAsync();
        var copy = Path.Combine(fixture.Folder.Path, "copy.db");

        await using (var file = File.Create(copy))
        {
            await fixture.Host.ExportAsync(id, file);
        }

        var name = id.FileName;
        Assert.Equal([name, name + "-shm", name + "-wal"], Directory.GetFiles(fixture.Store.RootPath).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.False(File.Exists(copy + "-wal"));
        using var connection = new SqliteConnection($"Data Source={copy};Mode=ReadOnly;Pooling=False");
        connection.Open();
        Assert.Equal("delete", VaultConnection.Scalar<string>(connection, "PRAGMA journal_mode"));
        Assert.Equal("ok", VaultConnection.Scalar<string>(connection, "PRAGMA integrity_check"));
        Assert.Equal(5, VaultConnection.Scalar<long>(connection, "SELECT count(*) FROM rows"));
    }

    [Fact]
    public void The_create_template_is_complete_in_its_main_file()
    {
        using var folder = new TempFolder();
        var store = new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.V1);
        var ids = new[] { VaultId.New(), VaultId.New() };

        foreach (var id in ids) store.Create(id);

        // Only the vault files: the template's work file and its kept sidecars are gone.
        Assert.Equal(ids.Select(i => i.FileName).Order(StringComparer.Ordinal), Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var id in ids)
        {
            var path = store.PathOf(id);
            using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            connection.Open();
            Assert.Equal("ok", VaultConnection.Scalar<string>(connection, "PRAGMA integrity_check"));
            Assert.Equal(0, VaultConnection.Scalar<long>(connection, "SELECT count(*) FROM rows"));
            Assert.Equal(1, VaultConnection.Scalar<int>(connection, "PRAGMA user_version"));
        }
    }
}
