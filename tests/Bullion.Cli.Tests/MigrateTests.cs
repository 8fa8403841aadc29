using System.Text.Json;
using Bullion.Portfolio;

namespace Bullion.Cli.Tests;

public class MigrateTests
{
    [Fact]
    public async Task Migrate_counts_migrated_current_and_failed_names_each_failure_and_exits_1()
    {
        using var fleet = new Fleet();
        var current = fleet.Vault(items: 2);
        var behind = fleet.Behind();
        var foreign = fleet.Foreign();
        var future = fleet.FromTheFuture();

        var run = await fleet.RunOnData("migrate", "--parallelism", "2", "--json");

        Assert.Equal(1, run.ExitCode);
        var json = run.Json();
        Assert.Equal("migrate", json.GetProperty("command").GetString());
        Assert.Equal(4, json.GetProperty("total").GetInt32());
        Assert.Equal(1, json.GetProperty("migrated").GetInt32());
        Assert.Equal(1, json.GetProperty("alreadyCurrent").GetInt32());
        Assert.Equal(2, json.GetProperty("failed").GetInt32());
        var failures = json.GetProperty("failures").EnumerateArray().ToDictionary(f => f.GetProperty("vaultId").GetString()!);
        Assert.Equal(new[] { foreign.ToString(), future.ToString() }.Order(), failures.Keys.Order());
        Assert.Contains("not a vault of this application", failures[foreign.ToString()].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("newer", failures[future.ToString()].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, failures[future.ToString()].GetProperty("migration").ValueKind);

        using var connection = fleet.Connect(behind);
        Assert.Equal(PortfolioSchema.Schema.LatestVersion, Fleet.Scalar(connection, "PRAGMA user_version"));
        using var kept = fleet.Connect(current);
        Assert.Equal(2, Fleet.Scalar(kept, "SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task Migrate_of_a_healthy_fleet_exits_0_and_a_rerun_finds_everything_current()
    {
        using var fleet = new Fleet();
        fleet.Vault();
        fleet.Behind();

        var first = await fleet.RunOnData("migrate");
        var second = await fleet.RunOnData("migrate", "--json");

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("2 vaults: 1 migrated, 1 already current, 0 failed.", first.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(2, second.Json().GetProperty("alreadyCurrent").GetInt32());
    }

    [Fact]
    public async Task Migrate_human_output_names_the_failed_vault_and_reports_progress_when_not_a_terminal()
    {
        using var fleet = new Fleet();
        for (var i = 0; i < 3; i++) fleet.Vault();
        var foreign = fleet.Foreign();

        var run = await fleet.RunOnData("migrate");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"FAILED {foreign} (no migration ran", run.Stdout, StringComparison.Ordinal);
        // Not a terminal: plain lines, no carriage returns, and the last one says everything is done.
        Assert.DoesNotContain('\r', run.Stderr);
        Assert.Contains("migrate 4/4 (100 %), 1 failed", run.Stderr, StringComparison.Ordinal);
    }
}
