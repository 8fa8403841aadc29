using Bullion.Vaults;
using Bullion.Web.Registry;

namespace Bullion.Web.Tests;

public sealed class ShutdownTests : IDisposable
{
    private readonly TempDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Stopping_the_host_closes_every_vault_and_leaves_no_wal()
    {
        var vaultFiles = new List<string>();
        var app = new BullionApp(_data.Path);
        await using (app)
        {
            var registry = app.Get<VaultRegistry>();
            var access = app.Get<IVaultAccess>();
            for (var i = 0; i < 3; i++)
            {
                var issued = await registry.CreateVaultAsync();
                await access.WriteAsync(issued.VaultId, new PutSetting("currency", $"USD{i}"));
                vaultFiles.Add(Path.Combine(_data.VaultsPath, issued.VaultId.FileName));
            }
            Assert.Equal(3, app.Get<VaultHost>().Counters.OpenVaults);
            // Open and written: the WAL exists now, so its absence later proves the close checkpointed it.
            Assert.All(vaultFiles, f => Assert.True(File.Exists(f + "-wal"), $"{f}-wal should exist while the vault is open"));
        }

        Assert.All(vaultFiles, f => Assert.False(File.Exists(f + "-wal"), $"{f}-wal is left after shutdown"));
        Assert.All(vaultFiles, f => Assert.False(File.Exists(f + "-shm"), $"{f}-shm is left after shutdown"));
        Assert.False(File.Exists(_data.RegistryPath + "-wal"), "registry.db-wal is left after shutdown");
        // The acknowledged writes are in the main files.
        for (var i = 0; i < vaultFiles.Count; i++)
        {
            using var sqlite = TempDataFolder.OpenSqlite(vaultFiles[i]);
            Assert.Equal([$"USD{i}"], RegistryTests.Strings(sqlite, "SELECT value FROM settings WHERE key = 'currency'"));
        }
    }

    [Fact]
    public async Task A_stopped_host_refuses_vault_work()
    {
        var app = new BullionApp(_data.Path);
        IVaultAccess access;
        VaultId id;
        await using (app)
        {
            id = (await app.Get<VaultRegistry>().CreateVaultAsync()).VaultId;
            access = app.Get<IVaultAccess>();
        }

        await Assert.ThrowsAsync<VaultHostStoppedException>(() => access.WriteAsync(id, new PutSetting("currency", "EUR")));
    }
}
