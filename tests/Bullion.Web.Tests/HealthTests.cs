using System.Net;
using System.Text.Json;
using Bullion.Vaults;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Bullion.Web.Tests;

public sealed class HealthTests : IDisposable
{
    private readonly TempDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Health_over_real_http_is_200_and_creates_no_vault()
    {
        await using var app = new BullionApp(_data.Path);
        app.UseKestrel(0);
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var port = new Uri(address).Port;
        // 127.0.0.1 explicitly: a real socket on loopback, not the in-memory test server.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Empty(_data.VaultFiles());
        Assert.Equal(0, app.Get<VaultHost>().Counters.Opens);
    }

    [Fact]
    public async Task Health_reports_open_vault_counters()
    {
        await using var app = new BullionApp(_data.Path);
        var issued = await app.Get<Registry.VaultRegistry>().CreateVaultAsync();
        await app.Get<IVaultAccess>().WriteAsync(issued.VaultId, new PutSetting("currency", "USD"));
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var vaults = body.RootElement.GetProperty("checks").GetProperty("vaults").GetProperty("data");
        Assert.Equal(1, vaults.GetProperty("openVaults").GetInt32());
        Assert.Equal(1, vaults.GetProperty("opens").GetInt64());
        Assert.Equal(1, vaults.GetProperty("writes").GetInt64());
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("registry").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("data-folder").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Health_is_503_when_the_registry_is_gone()
    {
        await using var app = new BullionApp(_data.Path);
        using var client = app.CreateClient();
        // Break the real file underneath the running app: the check must notice rather than report a cached "healthy".
        using (var sqlite = TempDataFolder.OpenSqlite(_data.RegistryPath))
        using (var drop = sqlite.CreateCommand())
        {
            drop.CommandText = "PRAGMA foreign_keys = OFF; DROP TABLE credentials; DROP TABLE vaults;";
            drop.ExecuteNonQuery();
        }

        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("checks").GetProperty("registry").GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_unreachable_price_feed_degrades_health_but_keeps_it_200()
    {
        // Port 1 on loopback: nothing listens, so every fetch is refused at once.
        await using var app = new BullionApp(_data.Path, new Dictionary<string, string>
        {
            ["Prices:Enabled"] = "true",
            ["Prices:PrimaryUrl"] = "http://127.0.0.1:1/xau.json",
            ["Prices:FallbackUrl"] = "http://127.0.0.1:1/xau.json",
            ["Prices:RetryAttempts"] = "0",
        });
        using var http = app.CreateClient();

        using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Degraded", body.RootElement.GetProperty("status").GetString());
        var feed = body.RootElement.GetProperty("checks").GetProperty("price-feed");
        Assert.Equal("Degraded", feed.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("registry").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_switched_off_price_feed_is_healthy()
    {
        await using var app = new BullionApp(_data.Path);
        using var http = app.CreateClient();

        using var body = JsonDocument.Parse(await http.GetStringAsync(new Uri("/health", UriKind.Relative)));

        var feed = body.RootElement.GetProperty("checks").GetProperty("price-feed");
        Assert.Equal("Healthy", feed.GetProperty("status").GetString());
        Assert.Contains("manual prices only", feed.GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}
