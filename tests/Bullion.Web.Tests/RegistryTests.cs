using Bullion.Vaults;
using Bullion.Web.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Bullion.Web.Tests;

public sealed class RegistryTests : IDisposable
{
    private readonly TempDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Start_applies_every_registry_migration()
    {
        await using var app = new BullionApp(_data.Path);
        await using var db = await app.Get<IDbContextFactory<RegistryDb>>().CreateDbContextAsync();
        var known = db.Database.GetMigrations().ToList();

        using var sqlite = TempDataFolder.OpenSqlite(_data.RegistryPath);
        var tables = Strings(sqlite, "SELECT name FROM sqlite_master WHERE type = 'table'");
        var applied = Strings(sqlite, "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId");

        Assert.Contains("vaults", tables);
        Assert.Contains("credentials", tables);
        Assert.NotEmpty(known);
        Assert.Equal(known, applied);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Registry_runs_in_WAL_mode()
    {
        await using (var app = new BullionApp(_data.Path)) _ = app.Services;

        using var sqlite = TempDataFolder.OpenSqlite(_data.RegistryPath);
        Assert.Equal(["wal"], Strings(sqlite, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task Restart_on_the_same_folder_keeps_vaults_and_credentials()
    {
        IssuedCredential issued;
        await using (var first = new BullionApp(_data.Path))
        {
            issued = await first.Get<VaultRegistry>().CreateVaultAsync("laptop");
        }
        // Closed cleanly: the registry's pooled connections were closed and its WAL checkpointed away.
        Assert.False(File.Exists(_data.RegistryPath + "-wal"));

        await using var second = new BullionApp(_data.Path);
        var verified = await second.Get<VaultRegistry>().VerifyAsync(issued.VaultId, issued.Token);

        Assert.NotNull(verified);
        Assert.Equal(issued.CredentialId, verified.CredentialId);
        Assert.True(second.Get<VaultHost>().Exists(issued.VaultId));
    }

    [Fact]
    public async Task Creating_a_vault_writes_its_file_and_both_rows_with_the_clock_time()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var app = new BullionApp(_data.Path, time: clock);

        var issued = await app.Get<VaultRegistry>().CreateVaultAsync("phone");

        Assert.Equal([Path.Combine(_data.VaultsPath, issued.VaultId.FileName)], _data.VaultFiles());
        await using var db = await app.Get<IDbContextFactory<RegistryDb>>().CreateDbContextAsync();
        var vault = await db.Vaults.Include(v => v.Credentials).SingleAsync();
        Assert.Equal(issued.VaultId.Value, vault.Id);
        Assert.Equal(clock.GetUtcNow(), vault.CreatedAt);
        Assert.Equal(clock.GetUtcNow(), vault.LastAccessedAt);
        Assert.Null(vault.DeletedAt);
        var credential = Assert.Single(vault.Credentials);
        Assert.Equal(issued.CredentialId, credential.Id);
        Assert.Equal("phone", credential.Label);
        Assert.Equal(clock.GetUtcNow(), credential.CreatedAt);
        Assert.Null(credential.LastUsedAt);
        Assert.Null(credential.RevokedAt);
    }

    [Fact]
    public async Task A_failed_registry_insert_leaves_no_vault_file_and_no_rows()
    {
        await using var app = new BullionApp(_data.Path);
        var registry = app.Get<VaultRegistry>();
        // A real failure in the real database (no mock): the credential insert aborts inside the transaction.
        using (var sqlite = TempDataFolder.OpenSqlite(_data.RegistryPath))
        using (var trigger = sqlite.CreateCommand())
        {
            trigger.CommandText = "CREATE TRIGGER refuse_credentials BEFORE INSERT ON credentials BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;";
            trigger.ExecuteNonQuery();
        }

        var ex = await Assert.ThrowsAsync<DbUpdateException>(() => registry.CreateVaultAsync());

        Assert.Contains("refused by the test", Errors.AllMessages(ex));
        Assert.Empty(_data.VaultFiles());
        await using var db = await app.Get<IDbContextFactory<RegistryDb>>().CreateDbContextAsync();
        Assert.Equal(0, await db.Vaults.CountAsync());
        Assert.Equal(0, await db.Credentials.CountAsync());
    }

    [Fact]
    public async Task Verifying_stamps_last_use_at_most_once_per_touch_interval()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var app = new BullionApp(_data.Path, time: clock);
        var registry = app.Get<VaultRegistry>();
        var issued = await registry.CreateVaultAsync();

        clock.Advance(TimeSpan.FromMinutes(1));
        var firstUse = clock.GetUtcNow();
        Assert.NotNull(await registry.VerifyAsync(issued.VaultId, issued.Token));
        Assert.Equal(firstUse, await LastUsed(app, issued));

        clock.Advance(VaultRegistry.TouchInterval - TimeSpan.FromSeconds(1));
        Assert.NotNull(await registry.VerifyAsync(issued.VaultId, issued.Token));
        Assert.Equal(firstUse, await LastUsed(app, issued));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(await registry.VerifyAsync(issued.VaultId, issued.Token));
        Assert.Equal(clock.GetUtcNow(), await LastUsed(app, issued));
        await using var db = await app.Get<IDbContextFactory<RegistryDb>>().CreateDbContextAsync();
        Assert.Equal(clock.GetUtcNow(), (await db.Vaults.SingleAsync()).LastAccessedAt);
    }

    private static async Task<DateTimeOffset?> LastUsed(BullionApp app, IssuedCredential issued)
    {
        await using var db = await app.Get<IDbContextFactory<RegistryDb>>().CreateDbContextAsync();
        return (await db.Credentials.SingleAsync(c => c.Id == issued.CredentialId)).LastUsedAt;
    }

    internal static List<string> Strings(Microsoft.Data.Sqlite.SqliteConnection sqlite, string sql)
    {
        using var command = sqlite.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read()) values.Add(reader.GetString(0));
        return values;
    }
}
