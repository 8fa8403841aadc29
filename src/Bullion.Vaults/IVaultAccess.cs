using Microsoft.Data.Sqlite;

namespace Bullion.Vaults;

/// <summary>
/// A read of one vault's data. Implement as an immutable record: the seam is shaped so that a cluster mode can carry
/// the operation to the node that owns the vault, where <see cref="Execute"/> runs on that vault's connection.
/// </summary>
public interface IVaultRead<out T>
{
    T Execute(SqliteConnection connection);
}

/// <summary>
/// A write to one vault. Runs inside the vault writer's batch transaction; it may be run a second time (under a
/// savepoint) when another write of its batch fails, so it must touch nothing but the connection.
/// </summary>
public interface IVaultWrite<out T>
{
    T Execute(SqliteConnection connection);
}

/// <summary>Raised after writes to a vault commit. Carries no data: listeners re-read what they show.</summary>
public sealed record VaultChanged(VaultId VaultId, int Writes);

/// <summary>
/// The one narrow seam through which pages and endpoints reach vault data: run this read or write on vault X,
/// and hear vault X's changes. <see cref="VaultHost"/> serves it in one process; a cluster mode will route it to
/// the node that owns the vault.
/// </summary>
public interface IVaultAccess
{
    Task<T> ReadAsync<T>(VaultId id, IVaultRead<T> read, CancellationToken cancellationToken = default);

    Task<T> WriteAsync<T>(VaultId id, IVaultWrite<T> write, CancellationToken cancellationToken = default);

    /// <summary>Creates an empty vault at the latest schema (atomically). Only this ever makes a vault file.</summary>
    Task CreateAsync(VaultId id, CancellationToken cancellationToken = default);

    /// <summary>Deletes a vault and its files after the work already queued on it; false when there was none.</summary>
    Task<bool> DeleteAsync(VaultId id);

    /// <summary>Streams a consistent copy of the vault (a plain SQLite file) to <paramref name="destination"/>.</summary>
    Task ExportAsync(VaultId id, Stream destination, CancellationToken cancellationToken = default);

    /// <summary>Replaces the vault's data with an exported file after checking it; a refusal changes nothing.</summary>
    Task<MigrationOutcome> ImportAsync(VaultId id, Stream source, long maxBytes, CancellationToken cancellationToken = default);

    /// <summary>Calls <paramref name="onChanged"/> (on the thread pool) after each committed batch of writes to vault <paramref name="id"/> until disposed.</summary>
    IDisposable Subscribe(VaultId id, Action<VaultChanged> onChanged);
}
