using System.Security.Cryptography;
using Bullion.Vaults;
using Bullion.Web.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Bullion.Web.Registry;

/// <summary>
/// A credential just issued: the only moment the token exists in clear. Hand it to the client (the identity cookie)
/// and drop it; the registry keeps only its peppered hash.
/// </summary>
public sealed record IssuedCredential(VaultId VaultId, Guid CredentialId, int PepperVersion, string Token)
{
    // Records print every member; a logged credential must not leak its token.
    public override string ToString() => $"credential {CredentialId} of vault {VaultId} (pepper v{PepperVersion})";
}

/// <summary>A (vault, token) pair that matched a live credential.</summary>
/// <param name="UsesCurrentPepper">False when the hash was made with an older pepper: re-issue to finish a rotation.</param>
public sealed record VerifiedCredential(VaultId VaultId, Guid CredentialId, int PepperVersion, bool UsesCurrentPepper);

/// <summary>
/// Vaults and their credentials in the registry: create a vault with its first credential, issue more, verify a
/// (vault id, token) pair, revoke. Verification never says why it failed (unknown vault, wrong token, revoked):
/// callers treat every failure as a new visitor.
/// </summary>
public sealed class VaultRegistry(
    IDbContextFactory<RegistryDb> dbs, IVaultAccess vaults, PepperRing peppers, TimeProvider time, ILogger<VaultRegistry> logger)
{
    // 5 min: recency for idle-vault housekeeping; writing on every verified request would queue every request behind
    // the registry's single SQLite writer.
    public static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(5);

    public const int MaxLabelLength = 100;

    /// <summary>
    /// Creates a vault file and its registry rows with a first credential. All or nothing: if the registry insert
    /// fails, the new vault file is deleted again, so no vault exists without a way in (nor a row without a file).
    /// </summary>
    public async Task<IssuedCredential> CreateVaultAsync(string? label = null, CancellationToken cancellationToken = default)
    {
        CheckLabel(label);
        var id = VaultId.New();
        var now = time.GetUtcNow();
        await vaults.CreateAsync(id, cancellationToken);
        try
        {
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            var vault = new VaultRecord { Id = id.Value, CreatedAt = now, LastAccessedAt = now };
            var (credential, token) = NewCredential(id, label, now);
            vault.Credentials.Add(credential);
            db.Vaults.Add(vault);
            // One SaveChanges is one transaction: both rows or neither.
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Created vault {VaultId} with credential {CredentialId}", id, credential.Id);
            return new IssuedCredential(id, credential.Id, credential.PepperVersion, token);
        }
        catch (Exception ex)
        {
            // Not cancellable: the clean-up must run even when the caller gave up.
            var deleted = await vaults.DeleteAsync(id);
            logger.LogWarning(ex, "Creating vault {VaultId} failed in the registry; its file was {Outcome}", id, deleted ? "deleted" : "already gone");
            throw;
        }
    }

    /// <summary>Adds a credential (another device) to a live vault. Null when the vault is unknown or deleted.</summary>
    public async Task<IssuedCredential?> AddCredentialAsync(VaultId vaultId, string? label = null, CancellationToken cancellationToken = default)
    {
        CheckLabel(label);
        var now = time.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var live = await db.Vaults.AnyAsync(v => v.Id == vaultId.Value && v.DeletedAt == null, cancellationToken);
        if (!live) return null;
        var (credential, token) = NewCredential(vaultId, label, now);
        db.Credentials.Add(credential);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Added credential {CredentialId} to vault {VaultId}", credential.Id, vaultId);
        return new IssuedCredential(vaultId, credential.Id, credential.PepperVersion, token);
    }

    /// <summary>
    /// Checks a (vault id, token) pair against the vault's live credentials in constant time per candidate.
    /// Null for an unknown or deleted vault, a malformed, wrong or revoked token, or a pepper version no longer known.
    /// </summary>
    public async Task<VerifiedCredential?> VerifyAsync(VaultId vaultId, string? token, CancellationToken cancellationToken = default)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var candidates = await db.Credentials.AsNoTracking()
            .Where(c => c.VaultId == vaultId.Value && c.RevokedAt == null && c.Vault!.DeletedAt == null)
            .Select(c => new { c.Id, c.TokenHash, c.PepperVersion, c.LastUsedAt })
            .ToListAsync(cancellationToken);
        if (candidates.Count == 0)
        {
            // Hash anyway, so an unknown vault costs about what a wrong token does.
            CredentialTokens.TryHash(token, peppers.Current, out _);
            return null;
        }
        var hashes = new Dictionary<int, byte[]?>();
        foreach (var candidate in candidates)
        {
            if (!hashes.TryGetValue(candidate.PepperVersion, out var hash))
            {
                hash = peppers.TryGet(candidate.PepperVersion, out var pepper) && CredentialTokens.TryHash(token, pepper, out var h) ? h : null;
                hashes[candidate.PepperVersion] = hash;
            }
            if (hash is null || !CryptographicOperations.FixedTimeEquals(hash, candidate.TokenHash)) continue;

            var now = time.GetUtcNow();
            if (candidate.LastUsedAt is not { } lastUsed || now - lastUsed >= TouchInterval)
            {
                await db.Credentials.Where(c => c.Id == candidate.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.LastUsedAt, now), cancellationToken);
                await db.Vaults.Where(v => v.Id == vaultId.Value).ExecuteUpdateAsync(s => s.SetProperty(v => v.LastAccessedAt, now), cancellationToken);
            }
            return new VerifiedCredential(vaultId, candidate.Id, candidate.PepperVersion, candidate.PepperVersion == peppers.Current.Version);
        }
        return null;
    }

    /// <summary>
    /// Finishes a pepper rotation for one credential: its hash is recomputed under the current pepper from the token the
    /// browser just presented (and that verified). The token and the cookie stay the same, so every tab and every request
    /// in flight with that cookie keeps working.
    /// </summary>
    public async Task<bool> RehashAsync(VerifiedCredential verified, string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verified);
        var pepper = peppers.Current;
        if (verified.PepperVersion == pepper.Version || !CredentialTokens.TryHash(token, pepper, out var hash)) return false;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        // Only from the version that verified: a concurrent rehash of the same credential makes this a no-op.
        var updated = await db.Credentials
            .Where(c => c.Id == verified.CredentialId && c.VaultId == verified.VaultId.Value && c.PepperVersion == verified.PepperVersion && c.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.TokenHash, hash).SetProperty(c => c.PepperVersion, pepper.Version), cancellationToken);
        if (updated > 0) logger.LogInformation("Credential {CredentialId} of vault {VaultId} moved to pepper v{Pepper}", verified.CredentialId, verified.VaultId, pepper.Version);
        return updated > 0;
    }

    /// <summary>Revokes one credential of a vault. False when the vault has no such live credential.</summary>
    public async Task<bool> RevokeAsync(VaultId vaultId, Guid credentialId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        // The vault id is part of the match: a credential id alone never reaches into another vault.
        var revoked = await db.Credentials
            .Where(c => c.Id == credentialId && c.VaultId == vaultId.Value && c.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, now), cancellationToken);
        if (revoked > 0) logger.LogInformation("Revoked credential {CredentialId} of vault {VaultId}", credentialId, vaultId);
        return revoked > 0;
    }

    private (CredentialRecord Credential, string Token) NewCredential(VaultId vaultId, string? label, DateTimeOffset now)
    {
        var token = CredentialTokens.New();
        var pepper = peppers.Current;
        if (!CredentialTokens.TryHash(token, pepper, out var hash)) throw new InvalidOperationException("A freshly made token did not decode; this is a bug.");
        var credential = new CredentialRecord
        {
            Id = Guid.NewGuid(),
            VaultId = vaultId.Value,
            TokenHash = hash,
            PepperVersion = pepper.Version,
            CreatedAt = now,
            Label = label,
        };
        return (credential, token);
    }

    private static void CheckLabel(string? label)
    {
        if (label is { Length: > MaxLabelLength }) throw new ArgumentException($"A credential label has at most {MaxLabelLength} characters (was {label.Length}).", nameof(label));
    }
}
