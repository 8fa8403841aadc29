using System.Security.Cryptography;
using System.Text.Json;
using Bullion.Portfolio;
using Bullion.Vaults;
using Microsoft.Data.Sqlite;

namespace Bullion.Cli.Tests;

/// <summary>A real data folder in a fresh temp directory, with real vault files made through the store or plain SQL.</summary>
internal sealed class Fleet : IDisposable
{
    public Fleet()
    {
        Root = Path.Combine(Path.GetTempPath(), "bullion-cli-" + Guid.NewGuid().ToString("N"));
        Data = Path.Combine(Root, "data");
        Vaults = Path.Combine(Data, "vaults");
        Store = new VaultStore(new VaultOptions { RootPath = Vaults }, PortfolioSchema.Schema);
    }

    public string Root { get; }
    public string Data { get; }
    public string Vaults { get; }
    public VaultStore Store { get; }

    public string PathOf(VaultId id) => Store.PathOf(id);

    /// <summary>A current vault holding <paramref name="items"/> items.</summary>
    public VaultId Vault(int items = 0)
    {
        var id = VaultId.New();
        Store.Create(id);
        if (items > 0) AddItems(id, items);
        return id;
    }

    public void AddItems(VaultId id, int count)
    {
        using var connection = Connect(id);
        AddItems(connection, count);
    }

    public static void AddItems(SqliteConnection connection, int count)
    {
        using var transaction = connection.BeginTransaction();
        for (var i = 0; i < count; i++)
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO items (name, category, weight_grams, purity_percent, quantity, purchase_price, currency, notes, created_at, updated_at)
                VALUES ($name, 'bar', '31.1035', '99.99', 1, '2000.00', 'USD', $notes, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
                """;
            command.Parameters.AddWithValue("$name", $"Bar {i}");
            // Long notes so a few dozen items span several pages (the corruption tests scribble over page 2 onwards).
            command.Parameters.AddWithValue("$notes", new string('n', 500));
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    public SqliteConnection Connect(VaultId id)
    {
        var connection = new SqliteConnection($"Data Source={PathOf(id)};Mode=ReadWrite;Pooling=False");
        connection.Open();
        return connection;
    }

    public void Sql(VaultId id, string sql)
    {
        using var connection = Connect(id);
        Execute(connection, sql);
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>A SQLite file under a vault's name that belongs to another application.</summary>
    public VaultId Foreign()
    {
        var id = VaultId.New();
        Directory.CreateDirectory(Vaults);
        using var connection = new SqliteConnection($"Data Source={PathOf(id)};Mode=ReadWriteCreate;Pooling=False");
        connection.Open();
        Execute(connection, "PRAGMA application_id = 1234; CREATE TABLE other (x); INSERT INTO other VALUES (1);");
        return id;
    }

    /// <summary>A vault whose schema is newer than this build's.</summary>
    public VaultId FromTheFuture()
    {
        var id = Vault(items: 1);
        Sql(id, "PRAGMA user_version = 99");
        return id;
    }

    /// <summary>A marked vault at version 0 (no migration ran yet): the fleet migrator brings it forward.</summary>
    public VaultId Behind()
    {
        var id = VaultId.New();
        Directory.CreateDirectory(Vaults);
        using var connection = new SqliteConnection($"Data Source={PathOf(id)};Mode=ReadWriteCreate;Pooling=False");
        connection.Open();
        Execute(connection, $"PRAGMA application_id = {PortfolioSchema.ApplicationId}; PRAGMA journal_mode = WAL;");
        return id;
    }

    /// <summary>A vault with garbage written over every page after the first.</summary>
    public VaultId Corrupted()
    {
        var id = Vault(items: 40);
        using var file = new FileStream(PathOf(id), FileMode.Open, FileAccess.Write);
        Assert.True(file.Length > 3 * 4096, "the vault should span several pages");
        var garbage = new byte[file.Length - 4096];
        new Random(7).NextBytes(garbage);
        file.Position = 4096;
        file.Write(garbage);
        return id;
    }

    /// <summary>A file under a vault's name that is not a SQLite database at all.</summary>
    public VaultId NotADatabase()
    {
        var id = VaultId.New();
        Directory.CreateDirectory(Vaults);
        File.WriteAllBytes(PathOf(id), new byte[8192]);
        return id;
    }

    /// <summary>
    /// Every file under the data folder with a hash of its bytes — except a <c>-shm</c>'s bytes: that file is SQLite's
    /// shared-memory wal-index, not data, and every reader of a live vault (the server's too) writes its read mark into
    /// it. Its presence is still compared, so creating one is caught.
    /// </summary>
    public SortedDictionary<string, string> Snapshot() => new(
        Directory.EnumerateFiles(Data, "*", SearchOption.AllDirectories)
            .ToDictionary(p => Path.GetRelativePath(Data, p),
                p => p.EndsWith("-shm", StringComparison.Ordinal) ? "(shared memory)" : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)))),
        StringComparer.Ordinal);

    public static async Task<CliRun> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await Cli.RunAsync(args, stdout, stderr);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    public Task<CliRun> RunOnData(params string[] args) => Run([.. args, "--data", Data]);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}

internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The last stdout line, parsed: <c>--json</c> promises one object there.</summary>
    public JsonElement Json()
    {
        var last = Stdout.TrimEnd('\n', '\r').Split('\n')[^1];
        using var document = JsonDocument.Parse(last);
        return document.RootElement.Clone();
    }
}
