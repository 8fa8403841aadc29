using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Bullion.Web.Tests;

/// <summary>A fresh data folder per test, removed afterwards. Real files, real SQLite.</summary>
public sealed class TempDataFolder : IDisposable
{
    public TempDataFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bullion-web-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string VaultsPath => System.IO.Path.Combine(Path, "vaults");

    public string RegistryPath => System.IO.Path.Combine(Path, "registry.db");

    public string PepperPath => System.IO.Path.Combine(Path, "pepper.key");

    public string[] VaultFiles() =>
        Directory.Exists(VaultsPath) ? Directory.GetFiles(VaultsPath) : [];

    /// <summary>A connection that keeps nothing open after disposal (no pool), so it cannot skew file checks.</summary>
    public static SqliteConnection OpenSqlite(string file)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; a failing clean-up must not hide the test's own result.
        }
    }
}

/// <summary>The real app (Program) over a given data folder, with optional settings and clock.</summary>
public sealed class BullionApp(string dataPath, IReadOnlyDictionary<string, string>? settings = null, TimeProvider? time = null)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Bullion:DataPath", dataPath);
        // No test reaches the internet: the price feed is off unless a test turns it on (pointed at a local server).
        builder.UseSetting("Prices:Enabled", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
        if (time is not null) builder.ConfigureTestServices(services => services.AddSingleton(time));
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();
}

internal static class Errors
{
    /// <summary>Every message in an exception chain (aggregate and inner), for asserting what a failed start said.</summary>
    public static string AllMessages(Exception ex)
    {
        var messages = new List<string>();
        void Walk(Exception? e)
        {
            if (e is null) return;
            messages.Add(e.Message);
            if (e is AggregateException aggregate) foreach (var inner in aggregate.InnerExceptions) Walk(inner);
            else Walk(e.InnerException);
        }
        Walk(ex);
        return string.Join(" | ", messages);
    }
}
