using Bullion.Vaults;

namespace Bullion.Web.Tests;

public sealed class StartupTests : IDisposable
{
    private readonly TempDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Vault_options_come_from_the_Vaults_section_and_live_under_the_data_folder()
    {
        await using var app = new BullionApp(_data.Path, new Dictionary<string, string>
        {
            ["Vaults:MaxOpen"] = "7", ["Vaults:IdleTimeout"] = "00:02:00", ["Vaults:Synchronous"] = "Full",
            // Not separately configurable: the data folder owns every file.
            ["Vaults:RootPath"] = "/somewhere/else",
        });

        var options = app.Get<VaultStore>().Options;

        Assert.Equal(7, options.MaxOpen);
        Assert.Equal(TimeSpan.FromMinutes(2), options.IdleTimeout);
        Assert.Equal(VaultSynchronous.Full, options.Synchronous);
        Assert.Equal(_data.VaultsPath, app.Get<VaultStore>().RootPath);
    }

    [Fact]
    public async Task Start_sweeps_work_files_left_by_a_crash()
    {
        Directory.CreateDirectory(_data.VaultsPath);
        var leftover = Path.Combine(_data.VaultsPath, ".creating-0123456789abcdef.tmp");
        await File.WriteAllTextAsync(leftover, "half-made vault");

        await using var app = new BullionApp(_data.Path);
        _ = app.Services;

        Assert.False(File.Exists(leftover));
    }
}
