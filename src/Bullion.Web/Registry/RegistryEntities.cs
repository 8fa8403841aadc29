namespace Bullion.Web.Registry;

/// <summary>A vault's row in the registry. Its data lives in its own file (<c>vaults/&lt;id&gt;.db</c>), never here.</summary>
public sealed class VaultRecord
{
    public Guid Id { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastAccessedAt { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
    public string? RecoveryEmail { get; set; }
    public DateTimeOffset? EmailVerifiedAt { get; set; }
    public List<CredentialRecord> Credentials { get; } = [];
}

/// <summary>One device's (or household member's) key to a vault. Only the token's peppered hash is kept.</summary>
public sealed class CredentialRecord
{
    public Guid Id { get; set; }
    public Guid VaultId { get; set; }
    public VaultRecord? Vault { get; set; }
    public byte[] TokenHash { get; set; } = [];
    public int PepperVersion { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? Label { get; set; }
}
