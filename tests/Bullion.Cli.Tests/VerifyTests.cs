namespace Bullion.Cli.Tests;

public class VerifyTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Verify_finds_damaged_foreign_and_newer_vaults_and_passes_the_rest(bool quick)
    {
        using var fleet = new Fleet();
        var healthy = fleet.Vault(items: 3);
        var behind = fleet.Behind();
        var corrupted = fleet.Corrupted();
        var foreign = fleet.Foreign();
        var future = fleet.FromTheFuture();
        var notADatabase = fleet.NotADatabase();

        var run = await fleet.RunOnData(quick ? ["verify", "--quick", "--json"] : ["verify", "--json"]);

        Assert.Equal(1, run.ExitCode);
        var json = run.Json();
        Assert.Equal(quick ? "quick_check" : "integrity_check", json.GetProperty("check").GetString());
        Assert.Equal(6, json.GetProperty("total").GetInt32());
        Assert.Equal(2, json.GetProperty("ok").GetInt32());
        Assert.Equal(4, json.GetProperty("failed").GetInt32());
        var status = json.GetProperty("vaults").EnumerateArray().ToDictionary(v => v.GetProperty("vaultId").GetString()!, v => v.GetProperty("status").GetString());
        Assert.Equal("ok", status[healthy.ToString()]);
        Assert.Equal("ok", status[behind.ToString()]);
        Assert.Equal("damaged", status[corrupted.ToString()]);
        Assert.Equal("foreign", status[foreign.ToString()]);
        Assert.Equal("newer", status[future.ToString()]);
        Assert.Equal("damaged", status[notADatabase.ToString()]);
        Assert.Equal(1, json.GetProperty("behind").GetInt32());
    }

    [Fact]
    public async Task Verify_changes_no_byte_and_creates_no_file_even_beside_a_live_writer()
    {
        using var fleet = new Fleet();
        fleet.Vault(items: 2);
        fleet.Corrupted();
        fleet.Foreign();
        fleet.FromTheFuture();
        var live = fleet.Vault();
        // A connection that stays open with commits in its WAL, as the server's would.
        using var server = fleet.Connect(live);
        Fleet.AddItems(server, 5);
        Assert.True(new FileInfo(fleet.PathOf(live) + "-wal").Length > 0);
        var before = fleet.Snapshot();

        var run = await fleet.RunOnData("verify", "--json");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(before, fleet.Snapshot());
        var liveReport = run.Json().GetProperty("vaults").EnumerateArray().Single(v => v.GetProperty("vaultId").GetString() == live.ToString());
        Assert.Equal("ok", liveReport.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Verify_of_a_healthy_fleet_exits_0_and_says_which_vaults_are_behind()
    {
        using var fleet = new Fleet();
        fleet.Vault(items: 1);
        var behind = fleet.Behind();

        var run = await fleet.RunOnData("verify");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"behind   {behind}", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 vaults checked (integrity_check): 2 ok, 0 failed.", run.Stdout, StringComparison.Ordinal);
    }
}
