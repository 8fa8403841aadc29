using System.Runtime.InteropServices;

namespace Bullion.Vaults;

/// <summary>
/// glibc keeps memory freed by closed SQLite connections in its arenas; measured here, RSS stayed ≈300 MB above
/// baseline after 2,000 vaults closed until <c>malloc_trim(0)</c> returned it to the OS.
/// </summary>
internal static partial class NativeMemory
{
    private static bool _unavailable = !OperatingSystem.IsLinux();

    public static void Trim()
    {
        if (_unavailable) return;
        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true; // musl and other libcs have no malloc_trim; nothing to give back there
        }
    }

    /// <summary>
    /// A blocking, compacting full GC that also returns the GC's free regions to the OS (GCCollectionMode.Aggressive).
    /// A forced compacting GC alone keeps them committed for reuse: ≈35 MB after 5,000 vaults closed (2026-12-04).
    /// </summary>
    public static void CompactManagedHeap() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
