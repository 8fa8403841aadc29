using System.Security.Cryptography;
using Bullion.Web.Registry;
using Bullion.Web.Tokens;

namespace Bullion.Web.Tests;

public sealed class PepperTests : IDisposable
{
    private readonly TempDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task Generated_pepper_is_owner_only_and_reused_after_restart()
    {
        IssuedCredential issued;
        await using (var first = new BullionApp(_data.Path))
        {
            issued = await first.Get<VaultRegistry>().CreateVaultAsync();
        }
        var pepperText = await File.ReadAllTextAsync(_data.PepperPath);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_data.PepperPath));
        }
        await using var second = new BullionApp(_data.Path);
        Assert.NotNull(await second.Get<VaultRegistry>().VerifyAsync(issued.VaultId, issued.Token));
        Assert.Equal(pepperText, await File.ReadAllTextAsync(_data.PepperPath));
        Assert.Equal(1, second.Get<PepperRing>().Current.Version);
        // No work files left beside it.
        Assert.Equal([_data.PepperPath], Directory.GetFiles(_data.Path, "pepper*"));
    }

    [Fact]
    public async Task Racing_first_starts_end_with_one_pepper()
    {
        var options = new BullionOptions { DataPath = _data.Path };
        var starts = Enumerable.Range(0, 8).Select(_ => Task.Run(() => PepperRing.Load(options))).ToArray();
        var rings = await Task.WhenAll(starts);

        var token = CredentialTokens.New();
        var hashes = rings.Select(r => CredentialTokens.TryHash(token, r.Current, out var h) ? Convert.ToHexString(h) : "").Distinct().ToList();
        Assert.Single(hashes);
        Assert.Equal([_data.PepperPath], Directory.GetFiles(_data.Path, "pepper*"));
    }

    [Fact]
    public async Task Rotated_pepper_still_verifies_old_credentials_and_hashes_new_ones()
    {
        var v1 = NewKey();
        var v2 = NewKey();
        IssuedCredential old;
        await using (var before = new BullionApp(_data.Path, new Dictionary<string, string>
        {
            ["Bullion:Peppers:0:Version"] = "1", ["Bullion:Peppers:0:Key"] = v1,
        }))
        {
            old = await before.Get<VaultRegistry>().CreateVaultAsync();
        }
        Assert.Equal(1, old.PepperVersion);
        Assert.False(File.Exists(_data.PepperPath));

        await using var after = new BullionApp(_data.Path, new Dictionary<string, string>
        {
            ["Bullion:Peppers:0:Version"] = "1", ["Bullion:Peppers:0:Key"] = v1,
            ["Bullion:Peppers:1:Version"] = "2", ["Bullion:Peppers:1:Key"] = v2,
        });
        var registry = after.Get<VaultRegistry>();
        var oldVerified = await registry.VerifyAsync(old.VaultId, old.Token);
        var fresh = await registry.AddCredentialAsync(old.VaultId, "new device");

        Assert.NotNull(oldVerified);
        Assert.Equal(1, oldVerified.PepperVersion);
        Assert.False(oldVerified.UsesCurrentPepper);
        Assert.NotNull(fresh);
        Assert.Equal(2, fresh.PepperVersion);
        var freshVerified = await registry.VerifyAsync(fresh.VaultId, fresh.Token);
        Assert.NotNull(freshVerified);
        Assert.True(freshVerified.UsesCurrentPepper);
    }

    [Fact]
    public async Task Configuring_a_new_pepper_keeps_the_generated_one_verifying()
    {
        IssuedCredential old;
        await using (var before = new BullionApp(_data.Path))
        {
            old = await before.Get<VaultRegistry>().CreateVaultAsync();
        }

        await using var after = new BullionApp(_data.Path, new Dictionary<string, string>
        {
            ["Bullion:Peppers:0:Version"] = "2", ["Bullion:Peppers:0:Key"] = NewKey(),
        });
        var registry = after.Get<VaultRegistry>();

        Assert.NotNull(await registry.VerifyAsync(old.VaultId, old.Token));
        Assert.Equal(2, after.Get<PepperRing>().Current.Version);
        Assert.Equal(2, (await registry.CreateVaultAsync()).PepperVersion);
    }

    [Fact]
    public async Task A_dropped_pepper_version_no_longer_verifies()
    {
        var v1 = NewKey();
        IssuedCredential old;
        await using (var before = new BullionApp(_data.Path, new Dictionary<string, string>
        {
            ["Bullion:Peppers:0:Version"] = "1", ["Bullion:Peppers:0:Key"] = v1,
        }))
        {
            old = await before.Get<VaultRegistry>().CreateVaultAsync();
        }

        await using var after = new BullionApp(_data.Path, new Dictionary<string, string>
        {
            ["Bullion:Peppers:0:Version"] = "2", ["Bullion:Peppers:0:Key"] = NewKey(),
        });

        Assert.Null(await after.Get<VaultRegistry>().VerifyAsync(old.VaultId, old.Token));
    }
}
