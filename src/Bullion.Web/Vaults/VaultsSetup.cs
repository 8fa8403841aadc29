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
        return services;
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
