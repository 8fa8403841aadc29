using Bullion.Portfolio;
using Bullion.Vaults;

namespace Bullion.Cli;

/// <summary>The vaults of the data folder named by <c>--data</c>, through the same <see cref="VaultStore"/> the server uses.</summary>
internal static class VaultFolder
{
    public static string VaultsPath(CliArguments args) => Path.Combine(args.DataPath, "vaults");

    /// <summary>
    /// The store over <c>&lt;data&gt;/vaults</c>. A missing folder is a usage error rather than an empty fleet: a typo
    /// in <c>--data</c> must not report "0 vaults, all fine", and the store's constructor would create the folder.
    /// </summary>
    public static VaultStore Open(CliArguments args)
    {
        var vaults = VaultsPath(args);
        if (!Directory.Exists(vaults))
        {
            throw new UsageException($"--data {args.DataPath}: there is no vaults folder at {vaults}.");
        }
        return new VaultStore(new VaultOptions { RootPath = vaults }, PortfolioSchema.Schema);
    }

    /// <summary>Ids in a stable order, so human reports and JSON arrays compare run to run.</summary>
    public static VaultId[] Ids(VaultStore store) => [.. store.Enumerate().OrderBy(id => id.Value)];
}
