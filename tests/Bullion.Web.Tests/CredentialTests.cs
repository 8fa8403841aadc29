using Bullion.Vaults;
using Bullion.Web.Registry;
using Bullion.Web.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Bullion.Web.Tests;

public sealed class CredentialTests : IDisposable
{
    private readonly TempDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Right_token_verifies()
    {
        await using var app = new BullionApp(_data.Path);
        var registry = app.Get<VaultRegistry>();
        var issued = await registry.CreateVaultAsync();

        var verified = await registry.VerifyAsync(issued.VaultId, issued.Token);

        Assert.Equal(new VerifiedCredential(issued.VaultId, issued.CredentialId, issued.PepperVersion, UsesCurrentPepper: true), verified);
    }

    [Fact]
    public async Task Wrong_token_does_not_verify()
    {
        await using var app = new BullionApp(_data.Path);
        var registry = app.Get<VaultRegistry>();
        var issued = await registry.CreateVaultAsync();

        Assert.Null(await registry.VerifyAsync(issued.VaultId, CredentialTokens.New()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Malformed_token_does_not_verify(string? token)
    {
        await using var app = new BullionApp(_data.Path);
        var registry = app.Get<VaultRegistry>();
        var issued = await registry.CreateVaultAsync();

        Assert.Null(await registry.VerifyAsync(issued.VaultId, token));
    }

    [Fact]
    public async Task Token_of_one_vault_does_not_open_another()
    {
        await using var app = new BullionApp(_data.Path);
        var registry = app.Get<VaultRegistry>();
        var a = await registry.CreateVaultAsync();
        var b = await registry.CreateVaultAsync();

        Assert.Null(await registry.VerifyAsync(b.VaultId, a.Token));
        Assert.Null(await registry.VerifyAsync(a.VaultId, b.Token));
    }

    [Fact]
    public async Task Unknown_vault_does_not_verify()
    {
        await using var app = new BullionApp(_data.Path);
        var registry = app.Get<VaultRegistry>();
        var issued = await registry.CreateVaultAsync();

        Assert.Null(await registry.VerifyAsync(VaultId.New(), issued.Token));
    }

    [Fact]
    public async Task Revoked_credential_does_not_verify_and_the_vaults_other_credentials_still_do()
    {
        await using var app = new BullionApp(_data.Path);
        var registry = app.Get<VaultRegistry>();
        var laptop = await registry.CreateVaultAsync("laptop");
        var phone = await registry.AddCredentialAsync(laptop.VaultId, "phone");
        Assert.NotNull(phone);

        Assert.True(await registry.RevokeAsync(laptop.VaultId, laptop.CredentialId));

        Assert.Null(await registry.VerifyAsync(laptop.VaultId, laptop.Token));
        Assert.NotNull(await registry.VerifyAsync(phone.VaultId, phone.Token));
        Assert.False(await registry.RevokeAsync(laptop.VaultId, laptop.CredentialId));
    }

    [Fact]
    public async Task A_credential_cannot_be_revoked_through_another_vault()
    {
        await using var app = new BullionApp(_data.Path);
        var registry = app.Get<VaultRegistry>();
        var a = await registry.CreateVaultAsync();
        var b = await registry.CreateVaultAsync();

        Assert.False(await registry.RevokeAsync(b.VaultId, a.CredentialId));
        Assert.NotNull(await registry.VerifyAsync(a.VaultId, a.Token));
    }

    [Fact]
    public async Task Deleted_vault_does_not_verify_nor_take_new_credentials()
    {
        await using var app = new BullionApp(_data.Path);
        var registry = app.Get<VaultRegistry>();
        var issued = await registry.CreateVaultAsync();
        await using (var db = await app.Get<IDbContextFactory<RegistryDb>>().CreateDbContextAsync())
        {
            await db.Vaults.ExecuteUpdateAsync(s => s.SetProperty(v => v.DeletedAt, DateTimeOffset.UtcNow));
        }

        Assert.Null(await registry.VerifyAsync(issued.VaultId, issued.Token));
        Assert.Null(await registry.AddCredentialAsync(issued.VaultId));
    }

    [Fact]
    public async Task Stored_hash_is_the_peppered_hmac_not_the_token()
    {
        await using var app = new BullionApp(_data.Path);
        var issued = await app.Get<VaultRegistry>().CreateVaultAsync();

        using var sqlite = TempDataFolder.OpenSqlite(_data.RegistryPath);
        using var command = sqlite.CreateCommand();
        command.CommandText = "SELECT TokenHash, PepperVersion FROM credentials";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        var stored = (byte[])reader[0];
        var raw = System.Buffers.Text.Base64Url.DecodeFromChars(issued.Token);

        Assert.Equal(32, raw.Length);
        Assert.Equal(32, stored.Length);
        Assert.NotEqual(raw, stored);
        Assert.Equal(issued.PepperVersion, reader.GetInt32(1));
        // Recompute it independently from the pepper file: HMAC-SHA256(pepper, raw token bytes).
        var pepperKey = Convert.FromBase64String(File.ReadAllText(_data.PepperPath).Split(' ')[1].Trim());
        Assert.Equal(System.Security.Cryptography.HMACSHA256.HashData(pepperKey, raw), stored);
        // Nowhere in the registry's files (the row may still sit in the WAL), in either encoding we use.
        foreach (var path in new[] { _data.RegistryPath, _data.RegistryPath + "-wal" }.Where(File.Exists))
        {
            var file = await File.ReadAllBytesAsync(path);
            Assert.Equal(-1, file.AsSpan().IndexOf(raw));
            Assert.Equal(-1, file.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(issued.Token)));
        }
    }

    [Fact]
    public async Task Issued_credential_does_not_print_its_token()
    {
        await using var app = new BullionApp(_data.Path);
        var issued = await app.Get<VaultRegistry>().CreateVaultAsync();

        Assert.DoesNotContain(issued.Token, issued.ToString(), StringComparison.Ordinal);
        Assert.Contains(issued.VaultId.ToString(), issued.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Tokens_are_32_random_bytes_in_base64url()
    {
        var tokens = Enumerable.Range(0, 100).Select(_ => CredentialTokens.New()).ToList();

        Assert.All(tokens, t => Assert.Equal(43, t.Length));
        Assert.All(tokens, t => Assert.Matches("^[A-Za-z0-9_-]{43}$", t));
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
    }
}
