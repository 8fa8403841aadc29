using Microsoft.Data.Sqlite;

namespace Bullion.Cli.Tests;

public class BackupTests
{
    [Fact]
    public async Task Backup_copies_every_vault_with_its_items_and_reports_a_failing_one()
    {
        using var fleet = new Fleet();
        var first = fleet.Vault(items: 3);
        var second = fleet.Vault(items: 7);
        var broken = fleet.NotADatabase();
        var to = Path.Combine(fleet.Root, "backup");

        var run = await fleet.RunOnData("backup", "--to", to, "--json");

        Assert.Equal(1, run.ExitCode);
        var json = run.Json();
        Assert.Equal(3, json.GetProperty("total").GetInt32());
        Assert.Equal(2, json.GetProperty("copied").GetInt32());
        Assert.Equal(1, json.GetProperty("failed").GetInt32());
        Assert.Equal(broken.ToString(), json.GetProperty("failures")[0].GetProperty("vaultId").GetString());
        // Only whole copies under vault names; no work file left behind, and none for the failed vault.
        Assert.Equal(new[] { first.FileName, second.FileName }.Order(), Directory.GetFiles(to).Select(Path.GetFileName).Order());
        Assert.Equal(new FileInfo(Path.Combine(to, first.FileName)).Length + new FileInfo(Path.Combine(to, second.FileName)).Length,
            json.GetProperty("bytes").GetInt64());
        Assert.Equal(3, CountItems(Path.Combine(to, first.FileName)));
        Assert.Equal(7, CountItems(Path.Combine(to, second.FileName)));
    }

    [Fact]
    public async Task Backup_of_a_healthy_fleet_exits_0_and_a_second_run_replaces_the_copies()
    {
        using var fleet = new Fleet();
        var id = fleet.Vault(items: 1);
        var to = Path.Combine(fleet.Root, "backup");

        var first = await fleet.RunOnData("backup", "--to", to);
        fleet.AddItems(id, 2);
        var second = await fleet.RunOnData("backup", "--to", to);

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("1 of 1 vaults copied", first.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(3, CountItems(Path.Combine(to, id.FileName)));
    }

    [Fact]
    public async Task Backup_refuses_a_destination_inside_the_data_folder()
    {
        using var fleet = new Fleet();
        fleet.Vault();

        var run = await fleet.RunOnData("backup", "--to", Path.Combine(fleet.Data, "copies"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--to", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(fleet.Data, "copies")));
    }

    private static long CountItems(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        Assert.Equal("ok", new SqliteCommand("PRAGMA integrity_check", connection).ExecuteScalar());
        return Fleet.Scalar(connection, "SELECT count(*) FROM items");
    }
}
