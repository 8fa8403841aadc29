using Bullion.Vaults;

namespace Bullion.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        // Before anything opens a SQLite connection, or it comes too late to save the page-cache preallocation.
        VaultRuntime.ConfigureSqlite();
        return await Cli.RunAsync(args, Console.Out, Console.Error, stderrIsTerminal: !Console.IsErrorRedirected);
    }
}
