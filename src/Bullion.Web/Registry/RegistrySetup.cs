using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bullion.Web.Registry;

public static class RegistrySetup
{
    public static IServiceCollection AddRegistry(this IServiceCollection services)
    {
        services.AddDbContextFactory<RegistryDb>((sp, options) =>
            options.UseSqlite(ConnectionString(sp.GetRequiredService<IOptions<BullionOptions>>().Value)));
        services.AddSingleton<VaultRegistry>();
        return services;
    }

    public static string ConnectionString(BullionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SqliteConnectionStringBuilder
        {
            DataSource = options.RegistryPath,
            ForeignKeys = true,
            // Pooled: one file, hit on every verified request. Cleared at shutdown so the WAL is checkpointed away.
            Pooling = true,
            // 30 s: waits out an admin tool's write instead of failing a request with SQLITE_BUSY.
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Brings registry.db up to date (EF migrations) and puts it in WAL mode, so readers never wait for the writer.</summary>
    internal static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var dbs = services.GetRequiredService<IDbContextFactory<RegistryDb>>();
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        // journal_mode is persistent in the file; setting it before migrating makes the migration itself use WAL.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Closes the pooled registry connections: the last close checkpoints the WAL and removes it.</summary>
    internal static void Close(BullionOptions options)
    {
        using var connection = new SqliteConnection(ConnectionString(options));
        SqliteConnection.ClearPool(connection);
    }
}
