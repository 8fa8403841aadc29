namespace Bullion.Vaults;

/// <summary>Base of every named vault error; carries the vault id when one is known.</summary>
public abstract class VaultException : Exception
{
    protected VaultException(string message, VaultId? vaultId = null, Exception? inner = null)
        : base(message, inner) => VaultId = vaultId;

    public VaultId? VaultId { get; }
}

/// <summary>A text that is not a vault id was offered as one (never becomes a path).</summary>
public sealed class InvalidVaultIdException(string? text)
    : VaultException($"'{Describe(text)}' is not a vault id (expected a UUID like 0f8fad5b-d9cb-469f-a165-70867728950e).")
{
    private static string Describe(string? text) =>
        text is null ? "(null)" : text.Length > 64 ? text[..64] + "…" : text;
}

/// <summary>No vault file exists for the id. Opening never creates one.</summary>
public sealed class VaultNotFoundException(VaultId id)
    : VaultException($"Vault {id} does not exist.", id);

/// <summary>A create was asked for an id whose file already exists.</summary>
public sealed class VaultAlreadyExistsException(VaultId id)
    : VaultException($"Vault {id} already exists.", id);

/// <summary>A vault's schema is newer than this code knows; it is never silently downgraded.</summary>
public sealed class VaultFromTheFutureException(VaultId? id, int fileVersion, int codeVersion)
    : VaultException($"Vault {id} is at schema version {fileVersion}, newer than this build's {codeVersion}; refusing to open it.", id)
{
    public int FileVersion { get; } = fileVersion;
    public int CodeVersion { get; } = codeVersion;
}

/// <summary>A migration failed; the vault is left exactly at <see cref="FromVersion"/>.</summary>
public sealed class VaultMigrationException(VaultId? id, int failedVersion, string migrationName, int fromVersion, Exception inner)
    : VaultException($"Vault {id}: migration {failedVersion} ({migrationName}) failed: {inner.Message} The vault stays at version {fromVersion}.", id, inner)
{
    public int FailedVersion { get; } = failedVersion;
    public string MigrationName { get; } = migrationName;
    public int FromVersion { get; } = fromVersion;
}

/// <summary>
/// The vault cannot be served now (its last open failed, e.g. a migration error); callers get this until
/// <see cref="RetryAfter"/> instead of a retry storm against the same broken file.
/// </summary>
public sealed class VaultUnavailableException(VaultId id, string reason, DateTimeOffset retryAfter, Exception? inner)
    : VaultException($"Vault {id} is unavailable: {reason}", id, inner)
{
    public string Reason { get; } = reason;
    public DateTimeOffset RetryAfter { get; } = retryAfter;
}

/// <summary>A file offered for import was refused; nothing changed. <see cref="Reason"/> is fit to show a user.</summary>
public sealed class VaultImportRejectedException(VaultId id, string reason, Exception? inner = null)
    : VaultException($"Import into vault {id} refused: {reason}", id, inner)
{
    public string Reason { get; } = reason;
}

/// <summary>The host is shutting down or disposed; no new work is accepted.</summary>
public sealed class VaultHostStoppedException()
    : VaultException("The vault host is stopped.");

/// <summary>A SQLite file that is not one of ours (its application_id differs) sits where a vault was expected.</summary>
public sealed class VaultForeignFileException(VaultId? id, int applicationId, int expected)
    : VaultException($"Vault {id}: the file is not a vault of this application (application_id {applicationId}, expected {expected}).", id)
{
    public int ApplicationId { get; } = applicationId;
}
