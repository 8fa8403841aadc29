using Bullion.Portfolio;

namespace Bullion.Cli.Tests;

public class ListAndUsageTests
{
    [Fact]
    public async Task List_shows_each_vault_with_size_and_version()
    {
        using var fleet = new Fleet();
        var current = fleet.Vault(items: 2);
        var behind = fleet.Behind();

        var human = await fleet.RunOnData("list");
        var run = await fleet.RunOnData("list", "--json");

        Assert.Equal(0, human.ExitCode);
        Assert.Contains(current.ToString(), human.Stdout, StringComparison.Ordinal);
        Assert.Contains(behind.ToString(), human.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 vaults.", human.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, run.ExitCode);
        var vaults = run.Json().GetProperty("vaults").EnumerateArray().ToDictionary(v => v.GetProperty("vaultId").GetString()!);
        Assert.Equal(2, vaults.Count);
        Assert.Equal(PortfolioSchema.Schema.LatestVersion, vaults[current.ToString()].GetProperty("version").GetInt32());
        Assert.Equal(0, vaults[behind.ToString()].GetProperty("version").GetInt32());
        Assert.Equal(new FileInfo(fleet.PathOf(current)).Length, vaults[current.ToString()].GetProperty("bytes").GetInt64());
    }

    [Fact]
    public async Task List_reports_an_unreadable_vault_and_exits_1()
    {
        using var fleet = new Fleet();
        fleet.Vault();
        var broken = fleet.NotADatabase();

        var run = await fleet.RunOnData("list", "--json");

        Assert.Equal(1, run.ExitCode);
        var row = run.Json().GetProperty("vaults").EnumerateArray().Single(v => v.GetProperty("vaultId").GetString() == broken.ToString());
        Assert.False(string.IsNullOrEmpty(row.GetProperty("error").GetString()));
    }

    [Theory]
    [InlineData("frobnicate", new string[0])]
    [InlineData("--parallelism", new[] { "migrate", "--parallelism", "0" })]
    [InlineData("--parallelism", new[] { "migrate", "--parallelism", "many" })]
    [InlineData("--to", new[] { "verify", "--to", "x" })]
    [InlineData("--to", new[] { "backup" })]
    [InlineData("--data", new[] { "list", "--data" })]
    [InlineData("--quick", new[] { "verify", "--quick=yes" })]
    [InlineData("--json", new[] { "list", "--json", "--json" })]
    [InlineData("extra", new[] { "list", "extra" })]
    public async Task A_bad_command_line_exits_2_naming_the_bad_argument(string named, string[] args)
    {
        using var fleet = new Fleet();
        fleet.Vault();

        var run = await Fleet.Run(args.Length == 0 ? [named] : args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(named, run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public async Task No_command_is_a_usage_error_and_help_is_not()
    {
        using var fleet = new Fleet();

        Assert.Equal(2, (await Fleet.Run()).ExitCode);
        var help = await Fleet.Run("--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("usage: bullion", help.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("verify")]
    [InlineData("list")]
    public async Task A_data_folder_without_vaults_is_a_usage_error_and_nothing_is_created(string command)
    {
        using var fleet = new Fleet();
        var missing = Path.Combine(fleet.Root, "nowhere");

        var run = await Fleet.Run(command, "--data", missing);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--data", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }
}
