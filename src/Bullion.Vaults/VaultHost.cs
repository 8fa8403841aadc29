using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bullion.Vaults;

/// <summary>
/// The live side of the vault runtime (the seed's dynamic repo + supervisor + idle cleanup): opens a vault on first use,
/// runs reads and writes on it through a lease so closing can never race a caller, closes it after
/// <see cref="VaultOptions.IdleTimeout"/> of disuse (time from the injected <see cref="TimeProvider"/>), and caps the
/// number of open vaults by closing the least recently used idle one. There is no ambient "current vault": every call
/// names its <see cref="VaultId"/>.
/// </summary>
public sealed class VaultHost : IVaultAccess, IAsyncDisposable
{
    private readonly VaultStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly VaultCounters _counters = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<VaultId, Entry> _entries = [];
    private readonly Dictionary<VaultId, Task> _closing = [];
    private readonly ConcurrentDictionary<VaultId, Subscribers> _subscribers = new();
    private readonly ITimer _sweeper;
    private bool _stopped;
    private Task? _disposing;
    private Task? _releasingMemory;

    public VaultHost(VaultStore store, TimeProvider? time = null, ILogger<VaultHost>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<VaultHost>.Instance;
        // Says once per host whether SQLite got its process-wide settings (a warning when something opened SQLite first).
        VaultRuntime.ConfigureSqlite(_logger);
        // A tenth of the idle window (1 s..1 min): a vault closes at most 10 % late, and an idle host wakes rarely.
        var period = TimeSpan.FromTicks(Math.Clamp(store.Options.IdleTimeout.Ticks / 10, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        _sweeper = _time.CreateTimer(static s => _ = ((VaultHost)s!).CloseIdleAsync(), this, period, period);
    }

    public VaultStore Store => _store;

    public VaultCountersSnapshot Counters
    {
        get
        {
            lock (_gate)
            {
                return _counters.Snapshot(_entries.Values.Count(e => e.Open.IsCompletedSuccessfully));
            }
        }
    }

    /// <summary>True when the vault is open (or opening) in this host; for tests and diagnostics.</summary>
    public bool IsOpen(VaultId id)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(id, out var entry) && entry.Failure is null && !(entry.Open.IsCompletedSuccessfully && entry.Open.Result.IsClosed);
        }
    }

    public async Task<T> ReadAsync<T>(VaultId id, IVaultRead<T> read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        var entry = Acquire(id);
        try
        {
            var vault = await entry.Open.ConfigureAwait(false);
            return await vault.ReadAsync(read, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Release(entry);
        }
    }

    public async Task<T> WriteAsync<T>(VaultId id, IVaultWrite<T> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var entry = Acquire(id);
        try
        {
            var vault = await entry.Open.ConfigureAwait(false);
            return await vault.WriteAsync(write, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Release(entry);
        }
    }

    public IDisposable Subscribe(VaultId id, Action<VaultChanged> onChanged)
    {
        ArgumentNullException.ThrowIfNull(onChanged);
        while (true)
        {
            var subscribers = _subscribers.GetOrAdd(id, static _ => new Subscribers());
            // A list emptied by the last unsubscribe is dead (being removed from the map); take a fresh one.
            if (subscribers.TryAdd(onChanged)) return new Subscription(this, id, subscribers, onChanged);
        }
    }

    /// <summary>Creates an empty vault (atomically; see <see cref="VaultStore.Create"/>). It is opened on first use.</summary>
    public void Create(VaultId id) => _store.Create(id);

    public Task CreateAsync(VaultId id, CancellationToken cancellationToken = default)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            // ≈0.2 ms (a template copy and one fsync): not worth a thread hop.
            _store.Create(id);
            return Task.CompletedTask;
        }
        catch (Exception ex) when (ex is VaultException or IOException or OperationCanceledException or UnauthorizedAccessException)
        {
            return Task.FromException(ex);
        }
    }

    public bool Exists(VaultId id) => _store.Exists(id);

    /// <summary>Streams a consistent copy of the vault (a plain SQLite file) to <paramref name="destination"/>.</summary>
    public Task ExportAsync(VaultId id, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        // On the vault's own connection, in its queue: a snapshot of every write acknowledged before it, and never a
        // second connection on the file (which an import's swap could otherwise pull the file from under).
        return _store.ExportThroughAsync(temp => ReadAsync(id, new VacuumInto(temp), cancellationToken), destination, cancellationToken);
    }

    /// <summary>
    /// Replaces an existing vault's data with an exported file: checked (SQLite, ours, not newer, intact), migrated forward
    /// in a work file, then swapped in while the vault's queue is held, so no read or write overlaps the swap.
    /// A refusal (<see cref="VaultImportRejectedException"/>) changes nothing.
    /// </summary>
    public async Task<MigrationOutcome> ImportAsync(VaultId id, Stream source, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!_store.Exists(id)) throw new VaultNotFoundException(id);
        var prepared = await _store.PrepareImportAsync(id, source, maxBytes, cancellationToken).ConfigureAwait(false);
        try
        {
            var entry = Acquire(id);
            try
            {
                var vault = await entry.Open.ConfigureAwait(false);
                await vault.WithFileClosedAsync(
                    () => _store.CommitImport(id, prepared),
                    () => _store.Open(id, out _),
                    new ObjectDisposedException($"vault {id}", "The vault is being replaced.")).ConfigureAwait(false);
            }
            finally
            {
                Release(entry);
            }
            Publish(id, 1);
            return prepared.Outcome;
        }
        finally
        {
            VaultStore.Discard(prepared);
        }
    }

    /// <summary>Deletes a vault (file, WAL and shared memory) after the work already queued on it. False when there was none.</summary>
    public async Task<bool> DeleteAsync(VaultId id)
    {
        Entry entry;
        try
        {
            entry = Acquire(id);
        }
        catch (VaultUnavailableException)
        {
            // It cannot be opened (e.g. a failed migration) but its files can still go.
            lock (_gate) _entries.Remove(id);
            return _store.Delete(id);
        }
        try
        {
            var vault = await entry.Open.ConfigureAwait(false);
            var deleted = false;
            await vault.WithFileClosedAsync(() => deleted = _store.Delete(id), reopen: null, new VaultNotFoundException(id)).ConfigureAwait(false);
            return deleted;
        }
        catch (VaultNotFoundException)
        {
            return false;
        }
        finally
        {
            Release(entry);
        }
    }

    /// <summary>
    /// Closes every vault idle for <see cref="VaultOptions.IdleTimeout"/> and waits for all closes in flight.
    /// The timer calls it; tests that move a fake clock may await it.
    /// </summary>
    public Task CloseIdleAsync()
    {
        lock (_gate)
        {
            var closed = 0;
            var cutoff = _time.GetTimestamp() - ToTimestampTicks(_store.Options.IdleTimeout);
            var now = _time.GetUtcNow();
            foreach (var entry in _entries.Values.ToArray())
            {
                if (entry.Leases > 0) continue;
                if (entry.Failure is not null)
                {
                    if (now >= entry.RetryAt) _entries.Remove(entry.Id);
                }
                else if (entry.LastUsed <= cutoff && entry.Open.IsCompletedSuccessfully)
                {
                    CloseLocked(entry);
                    closed++;
                }
            }
            var closing = Task.WhenAll(_closing.Values);
            // The memory give-back runs after this sweep's closes and after any earlier sweep's give-back, and every caller
            // waits for the latest one: a test that moved the clock (which fires the timer's sweep) sees it done.
            if (closed > 0) _releasingMemory = ReleaseMemoryAsync(closing, closed, _releasingMemory);
            return _releasingMemory is { } releasing ? Task.WhenAll(closing, releasing) : closing;
        }
    }

    private async Task ReleaseMemoryAsync(Task closing, int closed, Task? previous)
    {
        await closing.ConfigureAwait(false);
        if (previous is not null) await previous.ConfigureAwait(false);
        var threshold = _store.Options.CompactAfterClosing;
        if (threshold > 0 && closed >= threshold)
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp(); // real time: the pause callers feel, whatever the clock
            NativeMemory.CompactManagedHeap();
            _counters.Compacted();
            _logger.LogInformation("Closed {Closed} idle vaults; compacted the managed heap in {Ms:F1} ms", closed, System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        NativeMemory.Trim();
    }

    /// <summary>Closes every vault (each after its queued work). Every caller, first or later, returns only once all are closed.</summary>
    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _stopped = true;
            _disposing ??= DisposeCoreAsync();
            return new ValueTask(_disposing);
        }
    }

    private async Task DisposeCoreAsync()
    {
        Task<Vault>[] opens;
        lock (_gate)
        {
            opens = [.. _entries.Values.Select(e => e.Open)];
        }
        await _sweeper.DisposeAsync().ConfigureAwait(false);
        foreach (var open in opens)
        {
            try
            {
                await open.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // whatever stopped it opening, it holds nothing to close; shutdown must go on to the rest
            catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
            {
                // It never opened; nothing to close.
            }
        }
        Task[] closing;
        lock (_gate)
        {
            // Leases still held finish their queued work first: a close is queued behind it.
            foreach (var entry in _entries.Values.ToArray())
            {
                // A stopped service leaves only vault files behind (no empty -wal, no -shm): what an operator copying
                // the data folder expects. Vaults closed earlier for idleness keep theirs until their next open or delete.
                if (entry.Open.IsCompletedSuccessfully) CloseLocked(entry, removeSidecars: true);
            }
            _entries.Clear();
            closing = [.. _closing.Values];
        }
        await Task.WhenAll(closing).ConfigureAwait(false);
        NativeMemory.Trim();
    }

    private Entry Acquire(VaultId id)
    {
        lock (_gate)
        {
            if (_stopped) throw new VaultHostStoppedException();
            if (_entries.TryGetValue(id, out var entry))
            {
                if (entry.Failure is { } failure)
                {
                    if (_time.GetUtcNow() < entry.RetryAt)
                    {
                        throw new VaultUnavailableException(id, failure.Message, entry.RetryAt, failure);
                    }
                    _entries.Remove(id);
                }
                else if (entry.Open.IsCompletedSuccessfully && entry.Open.Result.IsClosed && entry.Leases == 0)
                {
                    // Deleted, or a swap that could not reopen: start afresh (opening reports what is wrong now).
                    _entries.Remove(id);
                }
                else
                {
                    entry.Leases++;
                    return entry;
                }
            }

            if (_entries.Count >= _store.Options.MaxOpen) EvictLocked();
            entry = new Entry(id) { Leases = 1, LastUsed = _time.GetTimestamp() };
            var previousClose = _closing.GetValueOrDefault(id);
            entry.Open = Task.Run(() => OpenAsync(entry, previousClose));
            _entries[id] = entry;
            return entry;
        }
    }

    private void Release(Entry entry)
    {
        lock (_gate)
        {
            entry.Leases--;
            entry.LastUsed = _time.GetTimestamp();
        }
    }

    private async Task<Vault> OpenAsync(Entry entry, Task? previousClose)
    {
        if (previousClose is not null)
        {
            // The same vault is still closing (idle sweep or eviction); never hold two connections' worth of state.
            await previousClose.ConfigureAwait(false);
        }
        try
        {
            var connection = _store.Open(entry.Id, out var outcome);
            if (outcome.Migrated)
            {
                _logger.LogInformation("Vault {VaultId} migrated from schema {From} to {To}", entry.Id, outcome.FromVersion, outcome.ToVersion);
            }
            _counters.Opened();
            return new Vault(entry.Id, connection, _store.Options.MaxBatch, _counters, Publish);
        }
        catch (VaultNotFoundException)
        {
            lock (_gate)
            {
                if (_entries.TryGetValue(entry.Id, out var current) && current == entry) _entries.Remove(entry.Id);
            }
            throw;
        }
#pragma warning disable CA1031 // any open failure (even a bug in a migration's code) must mark the vault unavailable, not wedge its entry
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            _counters.OpenFailed();
            var retryAt = _time.GetUtcNow() + _store.Options.FailedOpenBackoff;
            _logger.LogError(ex, "Vault {VaultId} could not be opened; refusing it until {RetryAt}", entry.Id, retryAt);
            lock (_gate)
            {
                entry.Failure = ex;
                entry.RetryAt = retryAt;
            }
            throw new VaultUnavailableException(entry.Id, ex.Message, retryAt, ex);
        }
    }

    /// <summary>Closes the least recently used idle vault to make room. With none idle, the cap is exceeded rather than fail a caller.</summary>
    private void EvictLocked()
    {
        Entry? oldest = null;
        foreach (var entry in _entries.Values)
        {
            if (entry.Leases == 0 && entry.Open.IsCompletedSuccessfully && (oldest is null || entry.LastUsed < oldest.LastUsed))
            {
                oldest = entry;
            }
        }
        if (oldest is null) return;
        _counters.Evicted();
        CloseLocked(oldest);
    }

    private void CloseLocked(Entry entry, bool removeSidecars = false)
    {
        _entries.Remove(entry.Id);
        var close = CloseVaultAsync(entry.Open.Result, removeSidecars);
        _closing[entry.Id] = close;
        // Forget the close once done, unless a later close of the same vault replaced it.
        _ = close.ContinueWith(done =>
        {
            lock (_gate)
            {
                if (_closing.TryGetValue(entry.Id, out var current) && current == done) _closing.Remove(entry.Id);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Never throws: a reopen of the same vault awaits it.</summary>
    private async Task CloseVaultAsync(Vault vault, bool removeSidecars)
    {
        try
        {
            await vault.CloseAsync(removeSidecars).ConfigureAwait(false);
            _counters.Closed();
        }
#pragma warning disable CA1031 // whatever went wrong is logged with the vault id; the vault is gone from the host either way
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "Vault {VaultId} did not close cleanly", vault.Id);
        }
    }

    private void Publish(VaultId id, int writes)
    {
        if (!_subscribers.TryGetValue(id, out var subscribers)) return;
        var handlers = subscribers.Snapshot;
        if (handlers.Length == 0) return;
        var change = new VaultChanged(id, writes);
        // Listeners' code never runs on a vault's writer.
        ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            foreach (var handler in handlers)
            {
                try
                {
                    handler(change);
                }
#pragma warning disable CA1031 // one broken listener must not silence the others
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    _logger.LogError(ex, "A change listener of vault {VaultId} failed", id);
                }
            }
        }, null);
    }

    private long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private sealed class Entry(VaultId id)
    {
        public VaultId Id { get; } = id;
        public Task<Vault> Open { get; set; } = null!;
        public int Leases { get; set; }
        public long LastUsed { get; set; }
        public Exception? Failure { get; set; }
        public DateTimeOffset RetryAt { get; set; }
    }

    private sealed class Subscribers
    {
        private readonly Lock _gate = new();
        private Action<VaultChanged>[] _handlers = [];

        public Action<VaultChanged>[] Snapshot => Volatile.Read(ref _handlers);

        private bool _dead;

        public bool TryAdd(Action<VaultChanged> handler)
        {
            lock (_gate)
            {
                if (_dead) return false;
                _handlers = [.. _handlers, handler];
                return true;
            }
        }

        /// <summary>True when this removed the last handler; the list is then dead and must leave the map.</summary>
        public bool Remove(Action<VaultChanged> handler)
        {
            lock (_gate)
            {
                var index = Array.IndexOf(_handlers, handler);
                if (index >= 0) _handlers = [.. _handlers[..index], .. _handlers[(index + 1)..]];
                _dead = _handlers.Length == 0;
                return _dead;
            }
        }
    }

    private sealed class Subscription(VaultHost host, VaultId id, Subscribers subscribers, Action<VaultChanged> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            if (subscribers.Remove(handler)) host._subscribers.TryRemove(new KeyValuePair<VaultId, Subscribers>(id, subscribers));
        }
    }
}
