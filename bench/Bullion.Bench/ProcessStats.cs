using System.Globalization;
using System.Runtime.InteropServices;
using SQLitePCL;

namespace Bullion.Bench;

/// <summary>What the kernel and SQLite say this process holds: descriptors, resident memory, SQLite's heap.</summary>
internal static partial class ProcessStats
{
    public static int OpenFileDescriptors() => Directory.GetFiles("/proc/self/fd").Length;

    /// <summary>What each open descriptor points at (fd number → target), to name any descriptor left behind.</summary>
    public static Dictionary<string, string> FileDescriptorTargets()
    {
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                targets[Path.GetFileName(fd)] = new FileInfo(fd).LinkTarget ?? "?";
            }
            catch (IOException)
            {
                // Closed between listing and reading (e.g. the listing's own directory handle).
            }
        }
        return targets;
    }

    /// <summary>VmRSS from /proc/self/status, in KiB.</summary>
    public static long RssKib() => Status("VmRSS");

    /// <summary>
    /// The parts of RSS (KiB): anonymous (heaps), file-backed (e.g. mapped <c>-shm</c> files on disk), shared memory
    /// (e.g. <c>-shm</c> files on tmpfs). Tells allocator growth apart from mapped wal-index pages.
    /// </summary>
    public static (long Anon, long File, long Shmem) RssParts() => (Status("RssAnon"), Status("RssFile"), Status("RssShmem"));

    private static long Status(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.Length > field.Length && line.StartsWith(field, StringComparison.Ordinal) && line[field.Length] == ':')
            {
                return long.Parse(line.AsSpan(field.Length + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }
        throw new InvalidOperationException($"no {field} in /proc/self/status");
    }

    /// <summary>Bytes SQLite has allocated and not freed (all connections of the process).</summary>
    public static long SqliteMemoryUsed() => raw.sqlite3_memory_used();

    public static long ManagedBytes() => GC.GetTotalMemory(forceFullCollection: false);

    /// <summary>Memory the GC holds committed (live objects plus free space it keeps for reuse): anonymous RSS that is not native heap.</summary>
    public static long GcCommittedBytes() => GC.GetGCMemoryInfo().TotalCommittedBytes;

    /// <summary>Threads of the process (each thread's touched stack pages are anonymous RSS).</summary>
    public static long Threads() => Status("Threads");

    /// <summary>Full blocking GC with finalizers, so managed garbage (e.g. disposed connections) is not counted as held.</summary>
    public static void Collect()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    /// <summary>
    /// Returns glibc's free arenas to the kernel. Used only before a baseline, so set-up garbage does not inflate it
    /// (which would flatter the later deltas); after closing, whatever the runtime itself does is what we measure.
    /// </summary>
    public static void TrimNativeHeap()
    {
        if (OperatingSystem.IsLinux()) _ = MallocTrim(0);
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
