using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Bullion.Vaults;

/// <summary>
/// One open vault: it owns its single SQLite connection from open to close and runs every read and write on it,
/// one at a time, from a queue. Consecutive writes are committed together (group commit); a failing write is
/// isolated by replaying its batch under savepoints. No thread is held while the queue is empty.
/// </summary>
internal sealed class Vault
{
    private SqliteConnection _connection;
    private readonly ConcurrentQueue<WorkItem> _queue = new();
    private readonly List<WorkItem> _batch = [];
    private readonly int _maxBatch;
    private readonly Action<VaultId, int> _onCommitted;
    private readonly VaultCounters _counters;
    private SqliteCommand _begin = null!;
    private SqliteCommand _commit = null!;
    private SqliteCommand _rollback = null!;
    private int _draining;
    private Exception? _closedError;

    public Vault(VaultId id, SqliteConnection connection, int maxBatch, VaultCounters counters, Action<VaultId, int> onCommitted)
    {
        Id = id;
        _connection = connection;
        _maxBatch = maxBatch;
        _counters = counters;
        _onCommitted = onCommitted;
        Attach(connection);
    }

    /// <summary>True once closed or deleted; the host then opens a fresh one on the next use.</summary>
    public bool IsClosed => Volatile.Read(ref _closedError) is not null;

    public VaultId Id { get; }

    public Task<T> ReadAsync<T>(IVaultRead<T> read, CancellationToken cancellationToken) =>
        Enqueue(new WorkItem<T>(c => read.Execute(c), isWrite: false, cancellationToken));

    public Task<T> WriteAsync<T>(IVaultWrite<T> write, CancellationToken cancellationToken) =>
        Enqueue(new WorkItem<T>(c => write.Execute(c), isWrite: true, cancellationToken));

    /// <summary>
    /// Closes the connection after the work queued before it. SQLite checkpoints the WAL into the main file and truncates
    /// it to 0 bytes; the empty <c>-wal</c> and the <c>-shm</c> stay for a fast reopen, unless
    /// <paramref name="removeSidecars"/> (a stopping host) asks SQLite to delete them.
    /// </summary>
    public Task CloseAsync(bool removeSidecars = false) => Enqueue(new WorkItem<bool>(_ =>
    {
        Detach(new ObjectDisposedException($"vault {Id}", "The vault was closed."), removeSidecars);
        return true;
    }, isWrite: false, CancellationToken.None));

    /// <summary>
    /// Runs <paramref name="action"/> on the vault's file with the connection closed, in queue order (so no read or write
    /// overlaps it), then reopens with <paramref name="reopen"/>; with no <paramref name="reopen"/> the vault stays closed
    /// and later work fails with <paramref name="closedError"/>.
    /// </summary>
    public Task WithFileClosedAsync(Action action, Func<SqliteConnection>? reopen, Exception closedError) =>
        Enqueue(new WorkItem<bool>(_ =>
        {
            // Already closed (deleted, or the host is stopping): act on nothing, and never bring it back to life.
            if (_closedError is { } closed) throw closed;
            Detach(closedError);
            try
            {
                action();
            }
            finally
            {
                // Reopen even when the action failed: the file it left (old or new) is whole, and later work needs it.
                if (reopen is not null)
                {
                    Attach(reopen());
                    Volatile.Write(ref _closedError, null);
                }
            }
            return true;
        }, isWrite: false, CancellationToken.None));

    private Task<T> Enqueue<T>(WorkItem<T> item)
    {
        _queue.Enqueue(item);
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            // Never drain on the caller's thread: it may be a UI renderer's or hold its own locks.
            ThreadPool.UnsafeQueueUserWorkItem(static v => _ = v.DrainAsync(), this, preferLocal: false);
        }
        return item.Task;
    }

    private async Task DrainAsync()
    {
        var yielded = false;
        while (true)
        {
            if (!_queue.TryPeek(out var head))
            {
                if (!yielded)
                {
                    // The writers we just acknowledged are queued on the thread pool; letting them run first means
                    // their next writes join one batch instead of each paying for a commit (≈2× throughput).
                    yielded = true;
                    await Task.Yield();
                    continue;
                }
                Volatile.Write(ref _draining, 0);
                // An enqueue that saw _draining == 1 just before the reset relies on us to pick its item up.
                if (_queue.IsEmpty || Interlocked.CompareExchange(ref _draining, 1, 0) != 0) return;
                continue;
            }
            yielded = false;

            _batch.Clear();
            try
            {
                if (!head.IsWrite)
                {
                    _queue.TryDequeue(out _);
                    _batch.Add(head);
                    RunAlone(head);
                    continue;
                }

                while (_batch.Count < _maxBatch && _queue.TryPeek(out var next) && next.IsWrite)
                {
                    _queue.TryDequeue(out _);
                    if (next.TryStart()) _batch.Add(next);
                }
                if (_batch.Count > 0) CommitBatch();
            }
#pragma warning disable CA1031 // the writer must outlive any failure, or the vault's queue would stall for good
            catch (Exception ex)
#pragma warning restore CA1031
            {
                // Only reachable when the failure handling itself failed (e.g. ROLLBACK threw); answer whoever is still waiting.
                foreach (var item in _batch) item.Fail(ex);
            }
        }
    }

    private void RunAlone(WorkItem item)
    {
        if (!item.TryStart()) return;
        if (_closedError is { } closed)
        {
            item.Fail(closed);
            return;
        }
        try
        {
            item.Run(_connection);
            item.Complete();
        }
        catch (Exception ex)
        {
            item.Fail(ex);
        }
    }

    private void CommitBatch()
    {
        if (_closedError is { } closed)
        {
            foreach (var item in _batch) item.Fail(closed);
            return;
        }
        try
        {
            _begin.ExecuteNonQuery();
            var failed = false;
            foreach (var item in _batch)
            {
                try
                {
                    item.Run(_connection);
                }
#pragma warning disable CA1031 // A write's failure is that write's answer, whatever its type.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    item.Error = ex;
                    failed = true;
                    break;
                }
            }
            if (failed)
            {
                RollbackIfOpen();
                ReplayUnderSavepoints();
                return;
            }
            _commit.ExecuteNonQuery();
        }
        catch (Exception ex)
        {
            // BEGIN or COMMIT failed (disk full, I/O error, a lock held past busy_timeout): nothing of the batch is durable.
            RollbackIfOpen();
            foreach (var item in _batch) item.Fail(ex);
            _counters.FailedBatches();
            return;
        }
        _counters.Committed(_batch.Count);
        foreach (var item in _batch) item.Complete();
        _onCommitted(Id, _batch.Count);
    }

    /// <summary>One write of the batch threw: run them again, each under its own savepoint, so it fails alone.</summary>
    private void ReplayUnderSavepoints()
    {
        var committed = 0;
        try
        {
            _begin.ExecuteNonQuery();
            foreach (var item in _batch)
            {
                item.Error = null;
                VaultConnection.Execute(_connection, "SAVEPOINT w");
                try
                {
                    item.Run(_connection);
                    VaultConnection.Execute(_connection, "RELEASE w");
                }
#pragma warning disable CA1031 // see CommitBatch
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    item.Error = ex;
                    VaultConnection.Execute(_connection, "ROLLBACK TO w");
                    VaultConnection.Execute(_connection, "RELEASE w");
                }
            }
            _commit.ExecuteNonQuery();
        }
        catch (Exception ex)
        {
            RollbackIfOpen();
            foreach (var item in _batch) item.Fail(item.Error ?? ex);
            _counters.FailedBatches();
            return;
        }
        foreach (var item in _batch)
        {
            if (item.Error is { } error)
            {
                item.Fail(error);
            }
            else
            {
                item.Complete();
                committed++;
            }
        }
        _counters.Committed(committed);
        _counters.Replayed();
        if (committed > 0) _onCommitted(Id, committed);
    }

    private void RollbackIfOpen()
    {
        if (!_connection.IsAutocommit()) _rollback.ExecuteNonQuery();
    }

    private void Attach(SqliteConnection connection)
    {
        _connection = connection;
        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
        _rollback = Prepare("ROLLBACK");
    }

    private void Detach(Exception closedError, bool removeSidecars = false)
    {
        if (_closedError is not null) return;
        Volatile.Write(ref _closedError, closedError);
        _begin.Dispose();
        _commit.Dispose();
        _rollback.Dispose();
        StatementCache.Forget(_connection);
        if (removeSidecars)
        {
            VaultConnection.CloseRemovingSidecars(_connection);
        }
        else
        {
            _connection.Dispose();
        }
    }

    private SqliteCommand Prepare(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Prepare();
        return command;
    }

    private abstract class WorkItem(bool isWrite)
    {
        private const int Queued = 0, Started = 1, Cancelled = 2;
        private int _state;

        public bool IsWrite { get; } = isWrite;
        public Exception? Error { get; set; }

        /// <summary>False when the caller cancelled while the item was queued; it is then skipped (never half-run).</summary>
        public bool TryStart() => Interlocked.CompareExchange(ref _state, Started, Queued) == Queued;

        /// <summary>Cancellation wins only before the writer starts the item, so a cancelled write is never committed.</summary>
        protected bool TryCancelQueued() => Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued;

        public abstract void Run(SqliteConnection connection);
        public abstract void Complete();
        public abstract void Fail(Exception error);
    }

    private sealed class WorkItem<T> : WorkItem
    {
        // Continuations must never run on the writer: RunContinuationsAsynchronously hands them to the pool.
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Func<SqliteConnection, T> _body;
        private readonly CancellationTokenRegistration _registration;
        private T? _result;

        public WorkItem(Func<SqliteConnection, T> body, bool isWrite, CancellationToken cancellationToken)
            : base(isWrite)
        {
            _body = body;
            if (cancellationToken.CanBeCanceled)
            {
                _registration = cancellationToken.UnsafeRegister(static (state, token) =>
                {
                    var item = (WorkItem<T>)state!;
                    if (item.TryCancelQueued()) item._completion.TrySetCanceled(token);
                }, this);
            }
        }

        public Task<T> Task => _completion.Task;

        public override void Run(SqliteConnection connection) => _result = _body(connection);

        public override void Complete()
        {
            _registration.Dispose();
            _completion.TrySetResult(_result!);
        }

        public override void Fail(Exception error)
        {
            _registration.Dispose();
            _completion.TrySetException(error);
        }
    }
}
