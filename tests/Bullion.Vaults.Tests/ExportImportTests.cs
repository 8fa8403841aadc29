using System.Text;
using Microsoft.Data.Sqlite;

namespace Bullion.Vaults.Tests;

public class ExportImportTests
{
    private const long MaxBytes = 10 * 1024 * 1024;

    [Fact]
    public async Task An_export_taken_while_writers_run_is_an_intact_consistent_snapshot()
    {
        await using var fixture = new HostFixture();
        var id = fixture.NewVault();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            var k = w * 1_000_000L;
            while (!stop.IsCancellationRequested) await fixture.Host.WriteAsync(id, new InsertPair(k++));
        })).ToArray();
        while (await fixture.Host.ReadAsync(id, new CountRows()) < 2_000) await Task.Yield();

        var copy = Path.Combine(fixture.Folder.Path, "export.db");
        await using (var file = File.Create(copy))
        {
            await fixture.Host.ExportAsync(id, file);
        }
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        using var connection = new SqliteConnection($"Data Source={copy};Mode=ReadOnly;Pooling=False");
        connection.Open();
        Assert.Equal("ok", VaultConnection.Scalar<string>(connection, "PRAGMA integrity_check"));
        Assert.Equal(TestSchemas.ApplicationId, VaultConnection.Scalar<int>(connection, "PRAGMA application_id"));
        var rows = VaultConnection.Scalar<long>(connection, "SELECT count(*) FROM rows");
        Assert.True(rows >= 2_000);
        // Each write inserted a pair in one transaction: a snapshot holds both halves of every pair.
        Assert.Equal(0, VaultConnection.Scalar<long>(connection, "SELECT count(*) FROM (SELECT k FROM rows GROUP BY k HAVING count(*) <> 2)"));
        Assert.Empty(Directory.GetFiles(fixture.Store.RootPath, ".*")); // no work file left
    }

    [Fact]
    public async Task An_export_imported_into_another_vault_restores_its_rows()
    {
        await using var fixture = new HostFixture();
        var source = fixture.NewVault();
        var target = fixture.NewVault();
        for (var i = 0; i < 10; i++) await fixture.Host.WriteAsync(source, new InsertRow(i, "src"));
        await fixture.Host.WriteAsync(target, new InsertRow(99, "old"));
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sub = fixture.Host.Subscribe(target, _ => changed.TrySetResult());
        using var export = new MemoryStream();
        await fixture.Host.ExportAsync(source, export);
        export.Position = 0;

        var outcome = await fixture.Host.ImportAsync(target, export, MaxBytes);

        Assert.Equal((1, 1), (outcome.FromVersion, outcome.ToVersion));
        Assert.Equal(10, await fixture.Host.ReadAsync(target, new CountRows()));
        await fixture.Host.WriteAsync(target, new InsertRow(100, "new"));
        Assert.Equal(11, await fixture.Host.ReadAsync(target, new CountRows()));
        await changed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(Directory.GetFiles(fixture.Store.RootPath, ".*"));
    }

    [Fact]
    public async Task An_import_from_an_older_schema_is_migrated_forward()
    {
        await using var fixture = new HostFixture(TestSchemas.With(new VaultMigration(2, "notes", "CREATE TABLE notes (x TEXT)")));
        var target = fixture.NewVault();
        using var oldFolder = new TempFolder();
        var oldHost = new VaultHost(new VaultStore(new VaultOptions { RootPath = oldFolder.Path }, TestSchemas.V1));
        var old = VaultId.New();
        oldHost.Create(old);
        await oldHost.WriteAsync(old, new InsertRow(1, "old"));
        using var export = new MemoryStream();
        await oldHost.ExportAsync(old, export);
        await oldHost.DisposeAsync();
        export.Position = 0;

        var outcome = await fixture.Host.ImportAsync(target, export, MaxBytes);

        Assert.Equal((1, 2), (outcome.FromVersion, outcome.ToVersion));
        Assert.Equal(1, await fixture.Host.ReadAsync(target, new CountRows()));
    }

    public static TheoryData<string> BadFiles => ["text", "empty", "foreign", "future", "corrupt", "truncated", "too big"];

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_bad_import_is_refused_with_a_reason_and_changes_nothing(string kind)
    {
        await using var fixture = new HostFixture();
        var target = fixture.NewVault();
        for (var i = 0; i < 5; i++) await fixture.Host.WriteAsync(target, new InsertRow(i, "mine"));
        var bytes = await BadFile(kind, fixture);
        var before = await FingerprintThroughHost(fixture, target);

        var error = await Assert.ThrowsAsync<VaultImportRejectedException>(
            () => fixture.Host.ImportAsync(target, new MemoryStream(bytes), kind == "too big" ? 4096 : MaxBytes));

        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
        Assert.Equal(before, await FingerprintThroughHost(fixture, target));
        Assert.Empty(Directory.GetFiles(fixture.Store.RootPath, ".*"));
    }

    [Fact]
    public async Task Each_kind_of_bad_file_gets_its_own_reason()
    {
        await using var fixture = new HostFixture();
        var target = fixture.NewVault();
        var reasons = new Dictionary<string, string>();
        foreach (var kind in new[] { "text", "foreign", "future", "corrupt" })
        {
            var error = await Assert.ThrowsAsync<VaultImportRejectedException>(
                async () => await fixture.Host.ImportAsync(target, new MemoryStream(await BadFile(kind, fixture)), MaxBytes));
            reasons[kind] = error.Reason;
        }

        Assert.Contains("not a SQLite database", reasons["text"], StringComparison.Ordinal);
        Assert.Contains("not a vault exported from this application", reasons["foreign"], StringComparison.Ordinal);
        Assert.Contains("newer version", reasons["future"], StringComparison.Ordinal);
        Assert.Contains("damaged", reasons["corrupt"], StringComparison.Ordinal);
    }

    private static async Task<string> FingerprintThroughHost(HostFixture fixture, VaultId id)
    {
        using var copy = new MemoryStream();
        await fixture.Host.ExportAsync(id, copy);
        var path = Path.Combine(fixture.Folder.Path, Guid.NewGuid().ToString("N") + ".db");
        await File.WriteAllBytesAsync(path, copy.ToArray());
        return Files.Fingerprint(path);
    }

    private static async Task<byte[]> BadFile(string kind, HostFixture fixture)
    {
        switch (kind)
        {
            case "text":
                return Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("this is not a database\n", 100)));
            case "empty":
                return [];
            case "foreign":
            {
                var path = Path.Combine(fixture.Folder.Path, "foreign.db");
                using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
                {
                    connection.Open();
                    VaultConnection.Execute(connection, "CREATE TABLE rows (id INTEGER PRIMARY KEY, k, v); INSERT INTO rows VALUES (1, 1, 'x')");
                }
                return await File.ReadAllBytesAsync(path);
            }
            case "future":
            {
                var path = Path.Combine(fixture.Folder.Path, "future");
                var store = new VaultStore(new VaultOptions { RootPath = path }, TestSchemas.With(new VaultMigration(2, "next", "CREATE TABLE next (x)")));
                var id = VaultId.New();
                store.Create(id);
                return await File.ReadAllBytesAsync(store.PathOf(id));
            }
            case "corrupt":
            case "truncated":
            case "too big":
            {
                var source = fixture.NewVault();
                for (var i = 0; i < 300; i++) await fixture.Host.WriteAsync(source, new InsertRow(i, "fill"));
                using var export = new MemoryStream();
                await fixture.Host.ExportAsync(source, export);
                var bytes = export.ToArray();
                if (kind == "truncated") return bytes[..(bytes.Length / 2)];
                if (kind == "corrupt")
                {
                    // Scribble over every page after the first: the header still says "ours", the b-trees are garbage.
                    var pageSize = (bytes[16] << 8) | bytes[17];
                    for (var i = pageSize; i < bytes.Length; i += 7) bytes[i] = (byte)(bytes[i] ^ 0x5A);
                }
                return bytes;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }
}
