using System.Runtime.CompilerServices;

namespace Bullion.Vaults.Tests;

internal static class ModuleSetup
{
    /// <summary>
    /// As the web host's Program.cs does first thing: configure SQLite before any test opens a connection, whichever
    /// test the runner starts first (some open plain connections before any VaultStore exists).
    /// </summary>
#pragma warning disable CA2255 // a test assembly is the entry point here, not a library: this is the process's start-up
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void ConfigureSqlite() => VaultRuntime.ConfigureSqlite();
}
