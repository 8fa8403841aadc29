using System.Security.Claims;
using Bullion.Vaults;

namespace Bullion.Web.Identity;

/// <summary>The verified identity as claims: the active vault, and every vault this browser holds.</summary>
public static class VaultClaims
{
    public const string Scheme = "Vault";
    public const string VaultIdType = "bullion/vault";
    public const string HeldVaultType = "bullion/held-vault";

    public static ClaimsPrincipal Principal(IdentityPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var claims = new List<Claim> { new(VaultIdType, payload.ActiveCredential.VaultId.ToString()) };
        claims.AddRange(payload.Credentials.Select(c => new Claim(HeldVaultType, c.VaultId.ToString())));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, VaultIdType, null));
    }

    /// <summary>The active vault of a verified principal; null for anyone else.</summary>
    public static VaultId? VaultIdOf(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true && VaultId.TryParse(user.FindFirst(VaultIdType)?.Value, out var id) ? id : null;

    public static IReadOnlyList<VaultId> HeldVaults(ClaimsPrincipal? user) =>
        user?.FindAll(HeldVaultType).Select(c => VaultId.Parse(c.Value)).ToArray() ?? [];
}
