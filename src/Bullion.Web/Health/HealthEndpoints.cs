using System.Text.Json;
using Bullion.Vaults;
using Bullion.Web.Registry;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Bullion.Web.Health;

/// <summary>
/// <c>GET /health</c>: the registry answers, the data folder takes writes, and the vault host's counters.
/// It reads no vault and so never opens or creates one.
/// </summary>
public static class HealthEndpoints
{
    public const string Path = "/health";

    public static IServiceCollection AddBullionHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<RegistryHealthCheck>("registry")
            .AddCheck<DataFolderHealthCheck>("data-folder")
            .AddCheck<VaultHostHealthCheck>("vaults")
            .AddCheck<PriceFeedHealthCheck>("price-feed");
        return services;
    }

    public static IEndpointRouteBuilder MapBullionHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(Path, new HealthCheckOptions { ResponseWriter = WriteJsonAsync });
        return endpoints;
    }

    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, JsonSerializerOptions.Web, context.RequestAborted);
    }
}

internal sealed class RegistryHealthCheck(IDbContextFactory<RegistryDb> dbs) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            // A real query on a migrated table: proves the file opens and the schema is there, at the cost of one page read.
            _ = await db.Vaults.AnyAsync(cancellationToken);
            return HealthCheckResult.Healthy("registry.db answers");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"registry.db does not answer: {ex.Message}", ex);
        }
    }
}

internal sealed class DataFolderHealthCheck(IOptions<BullionOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var folder = options.Value.FullDataPath;
        // A dot-file, so no enumeration (vaults, sweeps) ever mistakes it for data.
        var probe = System.IO.Path.Combine(folder, $".health-{Guid.NewGuid():N}.tmp");
        try
        {
            await File.WriteAllBytesAsync(probe, [1], cancellationToken);
            return HealthCheckResult.Healthy($"{folder} is writable");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy($"{folder} is not writable: {ex.Message}", ex);
        }
        finally
        {
            File.Delete(probe);
        }
    }
}

internal sealed class VaultHostHealthCheck(VaultHost host) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var c = host.Counters;
        var data = new Dictionary<string, object>
        {
            ["openVaults"] = c.OpenVaults,
            ["opens"] = c.Opens,
            ["closes"] = c.Closes,
            ["evictions"] = c.Evictions,
            ["failedOpens"] = c.FailedOpens,
            ["writes"] = c.Writes,
            ["batches"] = c.Batches,
            ["replayedBatches"] = c.ReplayedBatches,
            ["failedBatches"] = c.FailedBatches,
        };
        return Task.FromResult(HealthCheckResult.Healthy($"{c.OpenVaults} vaults open", data));
    }
}

/// <summary>
/// The gold price feed: degraded (still HTTP 200 — the service works on the last or a manual price) when the price is
/// stale or fetches fail; healthy when fresh or when the feed is switched off on purpose.
/// </summary>
internal sealed class PriceFeedHealthCheck(Market.PriceBook prices, IOptions<Market.PriceFeedOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = prices.Status;
        var data = new Dictionary<string, object>
        {
            ["enabled"] = options.Value.Enabled,
            ["fetchedAt"] = status.Latest?.FetchedAt.ToString("O") ?? "never",
            ["currencies"] = status.Latest?.PerOunce.Count ?? 0,
        };
        if (status.FailingSince is { } since) data["failingSince"] = since.ToString("O");
        HealthCheckResult result = !options.Value.Enabled
            ? HealthCheckResult.Healthy("price feed off (Prices:Enabled=false): manual prices only", data)
            : status.FailingSince is not null
                ? HealthCheckResult.Degraded($"price feed failing: {status.LastError}", data: data)
                : status.IsStale
                    ? HealthCheckResult.Degraded(status.Latest is null ? "no price fetched yet" : "price is stale", data: data)
                    : HealthCheckResult.Healthy("price is fresh", data);
        return Task.FromResult(result);
    }
}
