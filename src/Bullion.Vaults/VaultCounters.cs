namespace Bullion.Vaults;

/// <summary>A point-in-time copy of the host's counters (for benchmarks, health and metrics).</summary>
public sealed record VaultCountersSnapshot(
    int OpenVaults, long Opens, long Closes, long Evictions, long FailedOpens,
    long Writes, long Batches, long ReplayedBatches, long FailedBatches, long MemoryCompactions = 0)
{
    public double WritesPerBatch => Batches == 0 ? 0 : (double)Writes / Batches;
}

/// <summary>Monotonic counters of a <see cref="VaultHost"/>; updated lock-free on the hot path.</summary>
public sealed class VaultCounters
{
    private long _opens, _closes, _evictions, _failedOpens, _writes, _batches, _replayed, _failedBatches, _compactions;

    internal void Opened() => Interlocked.Increment(ref _opens);
    internal void Closed() => Interlocked.Increment(ref _closes);
    internal void Evicted() => Interlocked.Increment(ref _evictions);
    internal void OpenFailed() => Interlocked.Increment(ref _failedOpens);
    internal void FailedBatches() => Interlocked.Increment(ref _failedBatches);
    internal void Replayed() => Interlocked.Increment(ref _replayed);
    internal void Compacted() => Interlocked.Increment(ref _compactions);

    internal void Committed(int writes)
    {
        Interlocked.Add(ref _writes, writes);
        Interlocked.Increment(ref _batches);
    }

    internal VaultCountersSnapshot Snapshot(int openVaults) => new(
        openVaults, Interlocked.Read(ref _opens), Interlocked.Read(ref _closes), Interlocked.Read(ref _evictions),
        Interlocked.Read(ref _failedOpens), Interlocked.Read(ref _writes), Interlocked.Read(ref _batches),
        Interlocked.Read(ref _replayed), Interlocked.Read(ref _failedBatches), Interlocked.Read(ref _compactions));
}
