using System.Diagnostics;
using Bullion.Vaults;
using Bullion.Web.Identity;
using Bullion.Web.Tokens;
using Microsoft.AspNetCore.DataProtection;

namespace Bullion.Bench;

/// <summary>
/// Seed risk 5: the identity cookie's size for 1 and for 20 vaults (ASP.NET Core Data Protection over the binary
/// payload, exactly as the app writes it) and the cost of writing and reading it back. The end-to-end round trip through
/// real HTTP is a test (IdentityTests); this prints the figures beside the seed's.
/// </summary>
internal static class CookieBench
{
    public static Task<BenchReport> RunAsync(BenchArgs args)
    {
        var rounds = args.Int("rounds", 20_000);
        args.RejectUnknown();
        using var folder = new TempFolder("cookie");
        var cookie = new IdentityCookie(DataProtectionProvider.Create(new DirectoryInfo(folder.Path)), TimeProvider.System);
        var report = new BenchReport("cookie: the identity cookie (name=value) for 1 and 20 vaults");

        int Size(int vaults) => $"{IdentityCookie.Name}={cookie.Write(Payload(vaults))}".Length;
        var one = Size(1);
        var twenty = Size(IdentityCookie.MaxVaults);
        report.Row("cookie for 1 vault (bytes)", one.ToString(System.Globalization.CultureInfo.InvariantCulture), "452", "≤ 300", one <= 300);
        report.Row($"cookie for {IdentityCookie.MaxVaults} vaults (bytes)", twenty.ToString(System.Globalization.CultureInfo.InvariantCulture), "", "< 4,096", twenty < 4096);
        report.Row("headroom under 4,096 with 20 vaults (bytes)", (4096 - twenty).ToString(System.Globalization.CultureInfo.InvariantCulture), "3,644 (1 vault)");

        var payload = Payload(1);
        var written = cookie.Write(payload);
        for (var i = 0; i < 1_000; i++) _ = cookie.Read(cookie.Write(payload)); // warm-up
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < rounds; i++) _ = cookie.Write(payload);
        var writeUs = Stopwatch.GetElapsedTime(started).TotalMicroseconds / rounds;
        started = Stopwatch.GetTimestamp();
        for (var i = 0; i < rounds; i++)
        {
            if (cookie.Read(written) is null) throw new InvalidOperationException("a cookie did not read back");
        }
        var readUs = Stopwatch.GetElapsedTime(started).TotalMicroseconds / rounds;
        report.Row("write (protect) one-vault cookie, mean (µs)", BenchReport.F(writeUs, 1));
        report.Row("read (unprotect + decode), mean (µs)", BenchReport.F(readUs, 1));
        report.Json("cookie_bytes_1_vault", one);
        report.Json("cookie_bytes_20_vaults", twenty);
        report.Json("write_us", BenchReport.Round(writeUs, 2));
        report.Json("read_us", BenchReport.Round(readUs, 2));
        return Task.FromResult(report);
    }

    private static IdentityPayload Payload(int vaults) => new(
        Enumerable.Range(0, vaults).Select(_ => new CookieCredential(VaultId.New(), CredentialTokens.New())).ToList(),
        vaults - 1, DateOnly.FromDateTime(DateTime.UtcNow));
}
