using System.Net;
using System.Security.Cryptography;

namespace Bullion.Web.Tests;

/// <summary>The service as its own process: arguments, environment variables, refused starts, SIGTERM.</summary>
public sealed class ProcessTests : IDisposable
{
    private readonly TempDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Urls_argument_is_honoured_and_SIGTERM_stops_cleanly()
    {
        await using var app = AppProcess.Start(_data.Path, ["--urls", "http://127.0.0.1:0"]);

        var address = await app.ListeningAsync();
        Assert.Equal("127.0.0.1", address.Host);
        Assert.NotEqual(5080, address.Port);
        using var http = new HttpClient { BaseAddress = address };
        using (var response = await http.GetAsync(new Uri("/health", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(0, await app.TerminateAsync());
        Assert.True(File.Exists(_data.RegistryPath));
        Assert.False(File.Exists(_data.RegistryPath + "-wal"), "registry.db-wal is left after SIGTERM");
        Assert.Empty(_data.VaultFiles());
    }

    [Theory]
    [InlineData("Vaults__MaxOpen", "0", "Vaults:MaxOpen must be at least 1 (was 0)")]
    [InlineData("Vaults__IdleTimeout", "-00:01:00", "Vaults:IdleTimeout must be positive (was -00:01:00)")]
    [InlineData("Vaults__CacheSizeKib", "1", "Vaults:CacheSizeKib must be at least 16 (was 1)")]
    [InlineData("Bullion__Peppers__0__Version", "0", "Bullion:Peppers:0:Version must be at least 1 (was 0)")]
    [InlineData("Bullion__Peppers__0__Key", "c2hvcnQ=", "Bullion:Peppers:0:Key must be base64 of at least 32 bytes")]
    [InlineData("Bullion__DataPath", " ", "Bullion:DataPath must be set")]
    public async Task Invalid_options_stop_the_start_with_a_message_naming_the_key(string variable, string value, string expected)
    {
        var environment = new Dictionary<string, string> { [variable] = value };
        // A pepper entry needs both halves; the half not under test is valid.
        if (variable == "Bullion__Peppers__0__Version") environment["Bullion__Peppers__0__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        if (variable == "Bullion__Peppers__0__Key") environment["Bullion__Peppers__0__Version"] = "1";

        await using var app = AppProcess.Start(_data.Path, ["--urls", "http://127.0.0.1:0"], environment);

        Assert.NotEqual(0, await app.ExitedAsync());
        Assert.Contains(expected, app.Output);
        Assert.DoesNotContain("Now listening on", app.Output);
        // A refused start made nothing.
        Assert.False(File.Exists(_data.RegistryPath));
        Assert.False(File.Exists(_data.PepperPath));
    }

    [Fact]
    public async Task A_bad_pepper_key_is_named_but_never_echoed()
    {
        const string secretLookingKey = "short-secret-value";
        await using var app = AppProcess.Start(_data.Path, ["--urls", "http://127.0.0.1:0"], new Dictionary<string, string>
        {
            ["Bullion__Peppers__0__Version"] = "1", ["Bullion__Peppers__0__Key"] = secretLookingKey,
        });

        Assert.NotEqual(0, await app.ExitedAsync());
        Assert.Contains("Bullion:Peppers:0:Key", app.Output);
        Assert.DoesNotContain(secretLookingKey, app.Output);
    }

    [Fact]
    public async Task A_configured_pepper_that_contradicts_the_generated_one_stops_the_start()
    {
        await using (var first = new BullionApp(_data.Path)) _ = first.Services;
        Assert.True(File.Exists(_data.PepperPath));

        await using var app = AppProcess.Start(_data.Path, ["--urls", "http://127.0.0.1:0"], new Dictionary<string, string>
        {
            ["Bullion__Peppers__0__Version"] = "1", ["Bullion__Peppers__0__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        });

        Assert.NotEqual(0, await app.ExitedAsync());
        Assert.Contains("Bullion:Peppers lists version 1 with a different key", app.Output);
    }

    [Fact]
    public async Task A_damaged_pepper_file_stops_the_start()
    {
        await File.WriteAllTextAsync(_data.PepperPath, "1 not-base64!");

        await using var app = AppProcess.Start(_data.Path, ["--urls", "http://127.0.0.1:0"]);

        Assert.NotEqual(0, await app.ExitedAsync());
        Assert.Contains($"The pepper file {_data.PepperPath} is damaged", app.Output);
    }
}
