using System.Globalization;
using System.Runtime.InteropServices;
using SQLitePCL;

namespace Bullion.Bench;

/// <summary>What the kernel and SQLite say this process holds: descriptors, resident memory, SQLite's heap.</summary>
internal static partial class ProcessStats
{
    public static int OpenFileDescriptors() => Directory.GetFiles("/proc/self/fd").Length;

    /// <summary>VmRSS from /proc/self/status, in KiB.</summary>
    public static long RssKib()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }
        throw new InvalidOperationException("no VmRSS in /proc/self/status");
    }

    /// <summary>Bytes SQLite has allocated and not freed (all connections of the process).</summary>
    public static long SqliteMemoryUsed() => raw.sqlite3_memory_used();

    public static long ManagedBytes() => GC.GetTotalMemory(forceFullCollection: false);

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
