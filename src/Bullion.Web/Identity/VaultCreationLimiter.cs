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
            RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => Window(limits.NewVaultsPerIpPerHour)));
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

    private static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromHours(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
