using System.Runtime.InteropServices;
using Bullion.Vaults;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Bullion.Vaults.Tests;

/// <summary>A fresh folder per test, removed afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bullion-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A test that failed may still hold a file; the temp folder is cleaned by the OS eventually.
        }
    }
}

public static class TestSchemas
{
    public const int ApplicationId = 0x54455354; // 'TEST'

    public static readonly VaultMigration Rows = new(1, "rows", """
        CREATE TABLE rows (id INTEGER PRIMARY KEY, k INTEGER NOT NULL, v TEXT NOT NULL CHECK (length(v) < 10));
        CREATE INDEX rows_k ON rows (k);
        """);

    public static VaultSchema V1 { get; } = new(ApplicationId, [Rows]);

    public static VaultSchema With(params VaultMigration[] more) => new(ApplicationId, [Rows, .. more]);
}

public sealed record InsertRow(long K, string V) : IVaultWrite<long>
{
    public long Execute(SqliteConnection connection)
    {
        var command = connection.Cached("INSERT INTO rows (k, v) VALUES ($k, $v) RETURNING id", "$k", "$v");
        command.Parameters[0].Value = K;
        command.Parameters[1].Value = V;
        return (long)command.ExecuteScalar()!;
    }
}

/// <summary>Two rows in one write: an export must hold both or neither.</summary>
public sealed record InsertPair(long K) : IVaultWrite<bool>
{
    public bool Execute(SqliteConnection connection)
    {
        new InsertRow(K, "a").Execute(connection);
        new InsertRow(K, "b").Execute(connection);
        return true;
    }
}

public sealed record CountRows : IVaultRead<long>
{
    public long Execute(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM rows";
        return (long)command.ExecuteScalar()!;
    }
}

/// <summary>Runs on the vault's writer and holds it until released: lets a test line up work behind it.</summary>
public sealed class Gate : IVaultWrite<bool>, IDisposable
{
    private readonly ManualResetEventSlim _entered = new();
    private readonly ManualResetEventSlim _release = new();

    public bool Execute(SqliteConnection connection)
    {
        _entered.Set();
        if (!_release.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("gate was never released");
        return true;
    }

    public void WaitEntered()
    {
        if (!_entered.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("the writer never reached the gate");
    }

    public void Release() => _release.Set();

    public void Dispose()
    {
        _entered.Dispose();
        _release.Dispose();
    }
}

public sealed class HostFixture : IAsyncDisposable
{
    public HostFixture(VaultSchema? schema = null, Action<VaultOptions>? configure = null)
    {
        Options = new VaultOptions { RootPath = System.IO.Path.Combine(Folder.Path, "vaults") };
        configure?.Invoke(Options);
        Store = new VaultStore(Options, schema ?? TestSchemas.V1);
        Host = new VaultHost(Store, Time);
    }

    public TempFolder Folder { get; } = new();
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    public VaultOptions Options { get; }
    public VaultStore Store { get; }
    public VaultHost Host { get; }

    public VaultId NewVault()
    {
        var id = VaultId.New();
        Store.Create(id);
        return id;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Folder.Dispose();
    }
}

public static class Files
{
    /// <summary>Descriptors this process holds on files under <paramref name="folder"/> (other tests' files do not count).</summary>
    public static int OpenDescriptorsUnder(string folder)
    {
        var count = 0;
        foreach (var fd in Directory.EnumerateFiles("/proc/self/fd"))
        {
            try
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith(folder, StringComparison.Ordinal)) count++;
            }
            catch (IOException)
            {
                // The descriptor closed while we looked.
            }
        }
        return count;
    }

    public static long CountRows(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return VaultConnection.Scalar<long>(connection, "SELECT count(*) FROM rows");
    }

    public static bool CanCountDescriptors => RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

    /// <summary>Everything that defines a database's content: schema, every row of every table, and user_version.</summary>
    public static string Fingerprint(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var text = new System.Text.StringBuilder();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA user_version";
            text.Append("version=").Append(command.ExecuteScalar()).Append('\n');
        }
        var tables = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                text.Append(reader.GetString(0)).Append('|').Append(reader.GetString(1)).Append('|').Append(reader.IsDBNull(3) ? "" : reader.GetString(3)).Append('\n');
                if (reader.GetString(0) == "table") tables.Add(reader.GetString(1));
            }
        }
        foreach (var table in tables)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\" ORDER BY 1";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++) text.Append(reader.GetValue(i)).Append('\t');
                text.Append('\n');
            }
        }
        return text.ToString();
    }
}
