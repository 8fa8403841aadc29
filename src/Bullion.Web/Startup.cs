using Bullion.Vaults;
using Bullion.Web.Registry;
using Bullion.Web.Tokens;
using Microsoft.Extensions.Options;

namespace Bullion.Web;

public static class BullionSetup
{
    // The README's embedded default; any --urls, ASPNETCORE_URLS, *_HTTP_PORTS or Kestrel endpoint wins over it.
    public const string DefaultUrl = "http://localhost:5080";

    public static WebApplicationBuilder AddBullionOptions(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var config = builder.Configuration;
        var addressGiven = !string.IsNullOrEmpty(config["urls"]) || !string.IsNullOrEmpty(config["http_ports"])
            || !string.IsNullOrEmpty(config["https_ports"]) || config.GetSection("Kestrel:Endpoints").Exists();
        if (!addressGiven) builder.WebHost.UseUrls(DefaultUrl);

        builder.Services.AddOptions<BullionOptions>().BindConfiguration(BullionOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<BullionOptions>, BullionOptionsValidator>();
        // Loaded once, at start-up (see StartupWork): a missing or damaged pepper stops the start, not a request.
        builder.Services.AddSingleton(sp => PepperRing.Load(sp.GetRequiredService<IOptions<BullionOptions>>().Value));
        builder.Services.AddHostedService<StartupWork>();
        return builder;
    }
}

/// <summary>
/// Runs after options validation and before the server takes requests: data folder, pepper, registry migrations,
/// and crash leftovers in the vault folder. At stop (after the server drained), closes the registry's pool.
/// </summary>
internal sealed class StartupWork(IServiceProvider services, IOptions<BullionOptions> options, ILogger<StartupWork> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var bullion = options.Value;
        Directory.CreateDirectory(bullion.FullDataPath);
        var peppers = services.GetRequiredService<PepperRing>();
        await RegistrySetup.MigrateAsync(services, cancellationToken);
        var swept = services.GetRequiredService<VaultStore>().SweepWorkFiles();
        logger.LogInformation(
            "Data in {DataPath}: registry migrated, pepper v{Pepper} current (known: {Versions}), {Swept} leftover work files removed",
            bullion.FullDataPath, peppers.Current.Version, string.Join(", ", peppers.Versions.Order()), swept);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        RegistrySetup.Close(options.Value);
        return Task.CompletedTask;
    }
}
