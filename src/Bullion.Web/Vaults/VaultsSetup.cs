using Bullion.Portfolio;
using Bullion.Vaults;
using Microsoft.Extensions.Options;

namespace Bullion.Web.Vaults;

public static class VaultsSetup
{
    public const string Section = "Vaults";

    /// <summary>
    /// The vault runtime: options from section <c>Vaults</c> (root always <c>&lt;DataPath&gt;/vaults</c>), one store,
    /// one host. The container disposes the host at shutdown, which checkpoints and closes every open vault.
    /// </summary>
    public static IServiceCollection AddVaults(this IServiceCollection services)
    {
        services.AddOptions<VaultOptions>()
            .BindConfiguration(Section)
            // The data folder owns every file the service writes; a separate vault root would split backups.
            .Configure<IOptions<BullionOptions>>((vaults, bullion) => vaults.RootPath = bullion.Value.VaultsPath)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<VaultOptions>, VaultOptionsValidator>();
        services.AddSingleton(sp => new VaultStore(sp.GetRequiredService<IOptions<VaultOptions>>().Value, PortfolioSchema.Schema));
        services.AddSingleton(sp => new VaultHost(
            sp.GetRequiredService<VaultStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<VaultHost>>()));
        // The seam pages and endpoints use; the same instance (its disposal is idempotent, the container may call it twice).
        services.AddSingleton<IVaultAccess>(sp => sp.GetRequiredService<VaultHost>());
        services.AddHostedService<VaultHostShutdown>();
        return services;
    }

    /// <summary>
    /// Closes every vault (checkpointing its WAL away) when the host stops, after the server has drained requests
    /// (hosted services stop in reverse order, and this one starts before the server). Leaving it to the container's
    /// disposal is not enough: the host's stop is awaited by whoever stops it, but when two parties dispose the same
    /// container (the entry point's <c>app.Run()</c> and a test host), the second returns before the first has finished.
    /// </summary>
    /// <remarks>The host is resolved at stop, not at construction: hosted services are built before options are
    /// validated, and a bad <c>Vaults</c> option should fail through validation with its key, not through this.</remarks>
    private sealed class VaultHostShutdown(IServiceProvider services) : IHostedService
    {
        private readonly Lock _gate = new();
        private Task? _closing;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        // Not cut short by the shutdown timeout: an abandoned close would leave WAL files and unflushed vaults behind.
        public Task StopAsync(CancellationToken cancellationToken)
        {
            // Every caller waits for the one close; VaultHost.DisposeAsync itself returns at once to a second caller.
            lock (_gate) return _closing ??= services.GetRequiredService<VaultHost>().DisposeAsync().AsTask();
        }
    }

    private sealed class VaultOptionsValidator : IValidateOptions<VaultOptions>
    {
        public ValidateOptionsResult Validate(string? name, VaultOptions options)
        {
            try
            {
                // The runtime's own rules, so host and library never disagree; its messages name the key and value.
                options.Validate();
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentException ex)
            {
                return ValidateOptionsResult.Fail(ex.Message);
            }
        }
    }
}
