using Bullion.Portfolio;
using Bullion.Vaults;

namespace Bullion.Web.Components.Ui;

/// <summary>The name a user gave a vault (its settings), for the switcher; a vault that cannot be read says so.</summary>
public static class VaultLabels
{
    public static async Task<string?> ReadAsync(IVaultAccess vaults, VaultId id)
    {
        ArgumentNullException.ThrowIfNull(vaults);
        try
        {
            return (await vaults.ReadAsync(id, new ReadSettings())).Label;
        }
        catch (VaultException)
        {
            return "(unavailable)";
        }
    }
}
