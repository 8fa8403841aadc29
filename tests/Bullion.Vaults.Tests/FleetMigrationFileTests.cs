using System.Diagnostics;
using System.Security.Cryptography;

namespace Bullion.Vaults.Tests;

/// <summary>
/// How the fleet migrator treats files: a migrated vault is durable at its COMMIT and keeps the migration in its WAL
/// (no checkpoint at close); an already-current vault is read, never written; a vault open in a live host is migrated
/// beside it without waiting for the busy timeout.
/// </summary>
public class FleetMigrationFileTests
{
    private static readonly VaultMigration Notes = new(2, "notes", "CREATE TABLE notes (x TEXT NOT NULL); INSERT INTO notes (x) VALUES ('v2');");

    [Fact]
    public async Task A_migrated_vault_holds_the_migration_in_its_wal_until_the_host_closes_it()
    {
        using var folder = new TempFolder();
        var options = new VaultOptions { RootPath = folder.Path };
        var id = VaultId.New();
        new VaultStore(options, TestSchemas.V1).Create(id);
        var store = new VaultStore(options, TestSchemas.With(Notes));
        var path = store.PathOf(id);

        var results = await FleetMigrator.MigrateAllAsync(store);

        Assert.Equal(FleetMigrationStatus.Migrated, Assert.Single(results).Status);
        Assert.True(VaultConnection.HasWalContent(path), "the close did not checkpoint");
        Assert.False(File.Exists(path + "-shm"), "the exclusive open used no shared memory");
        // Every reader sees the migration through the WAL.
        Assert.Contains("version=2\n", Files.Fingerprint(path), StringComparison.Ordinal);

        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using (var host = new VaultHost(store, time))
        {
            Assert.Equal(0, await host.ReadAsync(id, new CountRows()));
            time.Advance(TimeSpan.FromMinutes(31));
            await host.CloseIdleAsync();
        }
        Assert.False(VaultConnection.HasWalContent(path));
        var alone = Path.Combine(folder.Path, "alone.tmp");
        File.Copy(path, alone);
        Assert.Contains("version=2\n", Files.Fingerprint(alone), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_already_current_vault_is_only_read()
    {
        using var folder = new TempFolder();
        var store = new VaultStore(new VaultOptions { RootPath = folder.Path }, TestSchemas.V1);
        var ids = Enumerable.Range(0, 5).Select(_ => VaultId.New()).ToArray();
        foreach (var id in ids) store.Create(id);
        var hashes = ids.Select(id => Hash(store.PathOf(id))).ToArray();

        var results = await FleetMigrator.MigrateAllAsync(store);

        Assert.All(results, r => Assert.Equal(FleetMigrationStatus.AlreadyCurrent, r.Status));
        Assert.Equal(hashes, ids.Select(id => Hash(store.PathOf(id))));
        Assert.All(ids, id => Assert.False(VaultConnection.HasWalContent(store.PathOf(id))));
    }

    [Fact]
    public async Task A_vault_open_in_a_live_host_is_migrated_beside_it_without_waiting_for_the_busy_timeout()
    {
        await using var fixture = new HostFixture(configure: o => o.BusyTimeout = TimeSpan.FromSeconds(60));
        var open = fixture.NewVault();
        var closed = fixture.NewVault();
        await fixture.Host.WriteAsync(open, new InsertRow(1, "x"));
        var newer = new VaultStore(fixture.Options, TestSchemas.With(Notes));
        var clock = Stopwatch.StartNew();

        var results = await FleetMigrator.MigrateAllAsync(newer);

        // An exclusive open that waited would take the whole 60 s busy timeout; SQLITE_BUSY at once falls back.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        Assert.All(results, r => Assert.Equal(FleetMigrationStatus.Migrated, r.Status));
        Assert.Equal(1, await fixture.Host.ReadAsync(open, new CountRows()));
        await fixture.Host.WriteAsync(open, new InsertRow(2, "y"));
        await fixture.Host.DisposeAsync();
        Assert.Contains("version=2\n", Files.Fingerprint(newer.PathOf(open)), StringComparison.Ordinal);
        Assert.Contains("version=2\n", Files.Fingerprint(newer.PathOf(closed)), StringComparison.Ordinal);
        Assert.Equal(2, Files.CountRows(newer.PathOf(open)));
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
