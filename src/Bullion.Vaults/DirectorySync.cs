using System.Runtime.InteropServices;

namespace Bullion.Vaults;

/// <summary>
/// fsync of a folder, so a rename into it (a created or imported vault) survives a power loss: the file's own fsync
/// makes its bytes durable, but its name lives in the folder. .NET cannot open a folder as a file, hence libc.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY
    private const int Directory = 0x10000; // O_DIRECTORY on Linux x64 and arm64
    private static bool _unavailable = !OperatingSystem.IsLinux();

    public static void Flush(string folder)
    {
        if (_unavailable) return;
        try
        {
            var fd = Open(folder, ReadOnly | Directory);
            if (fd < 0) throw new IOException($"Could not open {folder} to flush it (errno {Marshal.GetLastPInvokeError()}).");
            try
            {
                if (Fsync(fd) != 0) throw new IOException($"fsync of {folder} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
            finally
            {
                _ = Close(fd);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true; // no libc to ask: the rename is as durable as the platform makes it
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
