using System.Net;
using System.Text.RegularExpressions;
using Bullion.Portfolio;
using Bullion.Vaults;
using Bullion.Web.Identity;
using Bullion.Web.Registry;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Bullion.Web.Tests;

/// <summary>The passwordless identity over real HTTP on 127.0.0.1: first visits, cookies, limits, export.</summary>
public sealed partial class IdentityTests(ITestOutputHelper output) : IDisposable
{
    private const string BrowserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
    private readonly TempDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    private sealed class Server : IAsyncDisposable
    {
        public Server(string dataPath, Dictionary<string, string>? settings = null)
        {
            var all = new Dictionary<string, string> { ["urls"] = "http://127.0.0.1:0" };
            foreach (var (k, v) in settings ?? []) all[k] = v;
            App = new BullionApp(dataPath, all);
            App.UseKestrel(0);
            App.StartServer();
            var address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            Http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{new Uri(address).Port}") };
        }

        public BullionApp App { get; }
        public HttpClient Http { get; }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await App.DisposeAsync();
        }
    }

    private static HttpRequestMessage Page(string path, string? cookie = null, string method = "GET", string agent = BrowserAgent, string accept = "text/html,application/xhtml+xml")
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.TryAddWithoutValidation("User-Agent", agent);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        if (cookie is not null) request.Headers.TryAddWithoutValidation("Cookie", cookie);
        return request;
    }

    private static string? IdentityCookieOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.FirstOrDefault(v => v.StartsWith(IdentityCookie.Name + "=", StringComparison.Ordinal))
            : null;

    private static string NameValue(string setCookie) => setCookie.Split(';')[0];

    private static async Task<VaultId?> VaultShown(HttpResponseMessage response)
    {
        var match = VaultAttribute().Match(await response.Content.ReadAsStringAsync());
        return match.Success ? VaultId.Parse(match.Groups[1].Value) : null;
    }

    [GeneratedRegex("data-vault=\"([0-9a-f-]{36})\"")]
    private static partial Regex VaultAttribute();

    [Fact]
    public async Task A_first_visit_creates_exactly_one_vault_and_a_protected_cookie_and_a_return_visit_keeps_it()
    {
        await using var server = new Server(_data.Path);

        using var first = await server.Http.SendAsync(Page("/"));
        var setCookie = IdentityCookieOf(first);
        var vault = await VaultShown(first);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotNull(setCookie);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("max-age=31536000", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(vault);
        Assert.Equal([vault.Value.FileName], _data.VaultFiles().Where(f => f.EndsWith(".db", StringComparison.Ordinal)).Select(Path.GetFileName));
        Assert.DoesNotContain(vault.Value.ToString(), setCookie, StringComparison.OrdinalIgnoreCase); // encrypted, not just encoded

        using var again = await server.Http.SendAsync(Page("/settings", NameValue(setCookie)));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(vault, await VaultShown(again));
        Assert.Null(IdentityCookieOf(again)); // refreshed at most daily: a same-day visit writes nothing
        Assert.Single(_data.VaultFiles(), f => f.EndsWith(".db", StringComparison.Ordinal));
    }

    public static TheoryData<string> BadCookies => ["garbage", "tampered", "oversized", "empty", "other-key-ring", "base64-junk"];

    [Theory]
    [MemberData(nameof(BadCookies))]
    public async Task A_bad_cookie_is_a_new_visitor_never_an_error(string kind)
    {
        await using var server = new Server(_data.Path);
        using var first = await server.Http.SendAsync(Page("/"));
        var original = await VaultShown(first);
        var value = NameValue(IdentityCookieOf(first)!)[(IdentityCookie.Name.Length + 1)..];
        var bad = kind switch
        {
            "garbage" => "hello world",
            "tampered" => value[..20] + (value[20] == 'A' ? 'B' : 'A') + value[21..],
            "oversized" => new string('A', 8000),
            "empty" => "",
            "other-key-ring" => "CfDJ8" + new string('x', value.Length - 5),
            "base64-junk" => Convert.ToBase64String(new byte[200]).TrimEnd('='),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        using var response = await server.Http.SendAsync(Page("/", $"{IdentityCookie.Name}={bad}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var shown = await VaultShown(response);
        Assert.NotNull(shown);
        Assert.NotEqual(original, shown);
        Assert.NotNull(IdentityCookieOf(response));
        Assert.Equal(2, _data.VaultFiles().Count(f => f.EndsWith(".db", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_revoked_credential_is_a_new_visitor()
    {
        await using var server = new Server(_data.Path);
        using var first = await server.Http.SendAsync(Page("/"));
        var vault = (await VaultShown(first))!.Value;
        var cookie = NameValue(IdentityCookieOf(first)!);
        var registry = server.App.Get<VaultRegistry>();
        var credential = VaultAuthenticationHandlerProbe.CredentialIds(server.App, vault).Single();
        Assert.True(await registry.RevokeAsync(vault, credential));

        using var after = await server.Http.SendAsync(Page("/", cookie));

        Assert.NotEqual(vault, await VaultShown(after));
    }

    [Fact]
    public async Task A_pepper_rotation_keeps_every_tab_of_an_old_cookie_in_its_vault()
    {
        VaultId vault;
        string cookie;
        await using (var before = new Server(_data.Path))
        {
            using var first = await before.Http.SendAsync(Page("/"));
            vault = (await VaultShown(first))!.Value;
            cookie = NameValue(IdentityCookieOf(first)!);
        }
        var rotated = new Dictionary<string, string>
        {
            ["Bullion:Peppers:0:Version"] = "2",
            ["Bullion:Peppers:0:Key"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };
        await using var after = new Server(_data.Path, rotated);

        // Several tabs restoring at once, all with the cookie from before the rotation, then one more later.
        var tabs = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var response = await after.Http.SendAsync(Page("/", cookie));
            return await VaultShown(response);
        }));
        using var later = await after.Http.SendAsync(Page("/settings", cookie));

        Assert.All(tabs, shown => Assert.Equal(vault, shown));
        Assert.Equal(vault, await VaultShown(later));
        Assert.Single(_data.VaultFiles(), f => f.EndsWith(".db", StringComparison.Ordinal));
        using var scope = after.App.Services.CreateScope();
        using var db = scope.ServiceProvider.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<RegistryDb>>().CreateDbContext();
        Assert.Equal([2], db.Credentials.Where(c => c.VaultId == vault.Value).Select(c => c.PepperVersion).ToList());
    }

    [Fact]
    public async Task A_listed_vault_whose_credential_was_revoked_leaves_the_browser_and_the_active_one_stays()
    {
        await using var server = new Server(_data.Path, new() { ["Identity:NewVaultsPerIpPerHour"] = "50" });
        using var first = await server.Http.SendAsync(Page("/"));
        var firstVault = (await VaultShown(first))!.Value;
        var cookie = NameValue(IdentityCookieOf(first)!);
        var (token, antiforgery) = await Antiforgery(server, cookie);
        using var post = Page("/identity/new-vault", $"{cookie}; {antiforgery}", "POST");
        post.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["label"] = "Second", ["__RequestVerificationToken"] = token });
        using var created = await server.Http.SendAsync(post);
        cookie = NameValue(IdentityCookieOf(created)!);
        using var home = await server.Http.SendAsync(Page("/", cookie));
        var secondVault = (await VaultShown(home))!.Value;
        var registry = server.App.Get<VaultRegistry>();
        Assert.True(await registry.RevokeAsync(firstVault, VaultAuthenticationHandlerProbe.CredentialIds(server.App, firstVault).Single()));

        using var after = await server.Http.SendAsync(Page("/settings", cookie));
        var html = await after.Content.ReadAsStringAsync();

        Assert.Equal(secondVault, await VaultShown(after));
        Assert.DoesNotContain(firstVault.ToString()[^6..], html, StringComparison.Ordinal); // no longer listed
        Assert.NotNull(IdentityCookieOf(after)); // rewritten without it
    }

    [Fact]
    public async Task Head_bots_static_files_health_and_api_calls_create_no_vault()
    {
        await using var server = new Server(_data.Path);
        var requests = new[]
        {
            Page("/", method: "HEAD"),
            Page("/", agent: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
            Page("/", agent: "curl/8.5.0"),
            Page("/", agent: ""),
            Page("/", accept: "application/json"),
            Page("/", method: "POST"),
            Page("/robots.txt"),
            Page("/app.css", accept: "text/css"),
            Page("/_framework/blazor.web.js", accept: "*/*"),
            Page("/health", accept: "application/json"),
            Page("/vault/export", accept: "*/*"),
            Page("/no-such-page"),
        };
        foreach (var request in requests)
        {
            using var response = await server.Http.SendAsync(request);
            output.WriteLine($"{request.Method} {request.RequestUri} ({request.Headers.UserAgent}) → {(int)response.StatusCode}");
            Assert.True((int)response.StatusCode < 500, $"{request.Method} {request.RequestUri} gave {(int)response.StatusCode}");
            Assert.Null(IdentityCookieOf(response));
        }
        using var prefetch = Page("/");
        prefetch.Headers.TryAddWithoutValidation("Sec-Purpose", "prefetch");
        using (await server.Http.SendAsync(prefetch)) { }

        Assert.Empty(_data.VaultFiles());
    }

    [Fact]
    public async Task Vault_creation_is_rate_limited_per_ip_with_a_clear_429()
    {
        await using var server = new Server(_data.Path, new() { ["Identity:NewVaultsPerIpPerHour"] = "2" });

        var statuses = new List<HttpStatusCode>();
        string? body = null;
        for (var i = 0; i < 3; i++)
        {
            using var response = await server.Http.SendAsync(Page("/"));
            statuses.Add(response.StatusCode);
            body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.TooManyRequests) Assert.Null(IdentityCookieOf(response));
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Contains("Too many new vaults", body, StringComparison.Ordinal);
        Assert.Equal(2, _data.VaultFiles().Count(f => f.EndsWith(".db", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_overall_creation_limit_holds_too()
    {
        await using var server = new Server(_data.Path, new() { ["Identity:NewVaultsPerHour"] = "1" });

        using var first = await server.Http.SendAsync(Page("/"));
        using var second = await server.Http.SendAsync(Page("/"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }

    [Fact]
    public async Task Cookie_sizes_for_one_and_twenty_vaults_and_switching_between_them()
    {
        // Twenty vaults from one address: above the default ten per hour.
        await using var server = new Server(_data.Path, new() { ["Identity:NewVaultsPerIpPerHour"] = "50" });
        using var first = await server.Http.SendAsync(Page("/"));
        var cookie = NameValue(IdentityCookieOf(first)!);
        var sizeOne = cookie.Length;
        var vaults = new List<VaultId> { (await VaultShown(first))!.Value };

        for (var i = 2; i <= IdentityCookie.MaxVaults; i++)
        {
            var (token, antiforgery) = await Antiforgery(server, cookie);
            using var post = Page("/identity/new-vault", $"{cookie}; {antiforgery}", "POST");
            post.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["label"] = $"Vault {i}", ["__RequestVerificationToken"] = token });
            using var created = await server.Http.SendAsync(post);
            Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
            Assert.Equal("/", created.Headers.Location?.ToString());
            cookie = NameValue(IdentityCookieOf(created)!);
            using var home = await server.Http.SendAsync(Page("/", cookie));
            vaults.Add((await VaultShown(home))!.Value);
        }
        var sizeTwenty = cookie.Length;
        output.WriteLine($"identity cookie name=value: 1 vault {sizeOne} bytes, {IdentityCookie.MaxVaults} vaults {sizeTwenty} bytes");

        Assert.True(sizeOne <= 300, $"one vault: {sizeOne} bytes");
        Assert.True(sizeTwenty < 4096, $"twenty vaults: {sizeTwenty} bytes");
        Assert.Equal(IdentityCookie.MaxVaults, vaults.Distinct().Count());
        Assert.Equal("Vault 20", (await server.App.Get<IVaultAccess>().ReadAsync(vaults[^1], new ReadSettings())).Label);

        // Switch back to the first vault through the form post.
        var (switchToken, switchAntiforgery) = await Antiforgery(server, cookie);
        using var switchPost = Page("/identity/switch", $"{cookie}; {switchAntiforgery}", "POST");
        switchPost.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["vault"] = vaults[0].ToString(), ["__RequestVerificationToken"] = switchToken });
        using var switched = await server.Http.SendAsync(switchPost);
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/", switched.Headers.Location?.ToString());
        using var after = await server.Http.SendAsync(Page("/", NameValue(IdentityCookieOf(switched)!)));
        Assert.Equal(vaults[0], await VaultShown(after));

        // A form post without the antiforgery token changes nothing.
        using var forged = Page("/identity/switch", cookie, "POST");
        forged.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["vault"] = vaults[0].ToString() });
        using var refused = await server.Http.SendAsync(forged);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Null(IdentityCookieOf(refused));
    }

    [Fact]
    public async Task Export_over_http_is_a_plain_sqlite_file_holding_the_items()
    {
        await using var server = new Server(_data.Path);
        using var first = await server.Http.SendAsync(Page("/"));
        var vault = (await VaultShown(first))!.Value;
        var cookie = NameValue(IdentityCookieOf(first)!);
        await server.App.Get<IVaultAccess>().WriteAsync(vault, new AddItem(
            new ValidItem("Exported coin", Category.Coin, 31.1035m, 91.67m, 1, 2000m, null, null), "USD", DateTimeOffset.UtcNow));

        using var export = await server.Http.SendAsync(Page("/vault/export", cookie, accept: "*/*"));

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/vnd.sqlite3", export.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"bullion-{vault}-", export.Content.Headers.ContentDisposition?.FileName, StringComparison.Ordinal);
        var path = Path.Combine(_data.Path, "export.db");
        await File.WriteAllBytesAsync(path, await export.Content.ReadAsByteArrayAsync());
        using var connection = TempDataFolder.OpenSqlite(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM items";
        Assert.Equal("Exported coin", command.ExecuteScalar());
    }

    [Fact]
    public async Task An_export_that_cannot_be_made_is_a_clear_503_not_a_crash()
    {
        await using var server = new Server(_data.Path);
        using var first = await server.Http.SendAsync(Page("/"));
        var vault = (await VaultShown(first))!.Value;
        var cookie = NameValue(IdentityCookieOf(first)!);
        Assert.True(await server.App.Get<VaultHost>().DeleteAsync(vault)); // the file is gone, the credential is not

        using var export = await server.Http.SendAsync(Page("/vault/export", cookie, accept: "*/*"));
        using var page = await server.Http.SendAsync(Page("/", cookie));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, export.StatusCode);
        Assert.Null(export.Content.Headers.ContentDisposition);
        Assert.Contains("cannot be exported right now", await export.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("cannot be opened right now", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_carry_the_security_headers()
    {
        await using var server = new Server(_data.Path);

        using var response = await server.Http.SendAsync(Page("/"));

        var csp = string.Join(" | ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, csp);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    private static async Task<(string Token, string Cookie)> Antiforgery(Server server, string cookie)
    {
        using var settings = await server.Http.SendAsync(Page("/settings", cookie));
        var html = await settings.Content.ReadAsStringAsync();
        var token = Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var antiforgery = settings.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("bullion-af=", StringComparison.Ordinal)).Split(';')[0];
        Assert.NotEmpty(token);
        return (token, antiforgery);
    }
}

internal static class VaultAuthenticationHandlerProbe
{
    public static IReadOnlyList<Guid> CredentialIds(BullionApp app, VaultId vault)
    {
        using var scope = app.Services.CreateScope();
        var factory = scope.ServiceProvider.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<RegistryDb>>();
        using var db = factory.CreateDbContext();
        return db.Credentials.Where(c => c.VaultId == vault.Value).Select(c => c.Id).ToList();
    }
}

public class VaultCreationLimiterTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("::1", "::/64")]
    public void Clients_are_counted_per_ipv4_address_and_per_ipv6_64(string address, string key)
    {
        Assert.Equal(key, Bullion.Web.Identity.VaultCreationLimiter.ClientKey(System.Net.IPAddress.Parse(address)));
    }

    [Fact]
    public void Two_addresses_of_one_ipv6_64_share_a_limit_and_a_missing_address_has_its_own()
    {
        Assert.Equal(
            Bullion.Web.Identity.VaultCreationLimiter.ClientKey(System.Net.IPAddress.Parse("2001:db8::1")),
            Bullion.Web.Identity.VaultCreationLimiter.ClientKey(System.Net.IPAddress.Parse("2001:db8::ffff:1")));
        Assert.Equal("unknown", Bullion.Web.Identity.VaultCreationLimiter.ClientKey(null));
    }
}
