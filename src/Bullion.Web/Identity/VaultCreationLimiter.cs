using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Bullion.Web.Identity;

/// <summary>
/// Caps vault creation per client IP and overall (fixed one-hour windows), with ASP.NET Core's rate limiters.
/// Asked only when a vault is about to be created, so returning visitors are never limited.
/// </summary>
public sealed class VaultCreationLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext> _limiter;

    public VaultCreationLimiter(IOptions<IdentityOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limits = options.Value;
        var perIp = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            RateLimitPartition.GetFixedWindowLimiter(ClientKey(context.Connection.RemoteIpAddress), _ => Window(limits.NewVaultsPerIpPerHour)));
        var overall = PartitionedRateLimiter.Create<HttpContext, string>(_ =>
            RateLimitPartition.GetFixedWindowLimiter("all", _ => Window(limits.NewVaultsPerHour)));
        _limiter = PartitionedRateLimiter.CreateChained(perIp, overall);
    }

    /// <summary>True when one more vault may be created for this request's client.</summary>
    public bool TryAcquire(HttpContext context)
    {
        using var lease = _limiter.AttemptAcquire(context);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();

    /// <summary>
    /// Who counts as one client: an IPv4 address (also when it arrives IPv4-mapped), or an IPv6 /64 — one home or phone
    /// gets a whole /64, so counting single IPv6 addresses would let one client rotate past the limit.
    /// </summary>
    public static string ClientKey(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    private static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromHours(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
