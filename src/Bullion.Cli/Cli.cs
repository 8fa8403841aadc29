namespace Bullion.Cli;

/// <summary>How a command ended; only <see cref="Cli.RunAsync"/> turns it into an exit code.</summary>
internal enum Outcome
{
    Ok,
    SomeVaultsFailed,
}

/// <summary>
/// The CLI's entry point, in process (tests call it directly; <c>Program.Main</c> passes the console). It is the only
/// place that maps outcomes to exit codes: 0 ok, 1 some vaults failed (or the run itself failed), 2 usage error.
/// </summary>
public static class Cli
{
    public const int ExitOk = 0;
    public const int ExitSomeFailed = 1;
    public const int ExitUsage = 2;

    internal const string Usage = """
        usage: bullion <command> [--data <path>] [--json]
          migrate [--parallelism N]   bring every vault to the latest schema
          verify [--quick]            check every vault (application id, schema version, integrity) without writing
          backup --to <folder>        a consistent copy of every vault into <folder>/<id>.db
          list                        vault ids with file size and schema version
        --data <path>  the data folder (default ./data; vaults in <path>/vaults)
        --json         one JSON object as the last line of stdout
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, bool stderrIsTerminal = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args is [] or ["--help" or "-h" or "help"])
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(Usage);
            return args.Length == 0 ? ExitUsage : ExitOk;
        }
        try
        {
            var parsed = CliArguments.Parse(args);
            var progress = new ProgressLine(stderr, stderrIsTerminal);
            var outcome = parsed.Command switch
            {
                "migrate" => await MigrateCommand.RunAsync(parsed, stdout, progress, cancellationToken),
                "verify" => VerifyCommand.Run(parsed, stdout, progress, cancellationToken),
                "backup" => await BackupCommand.RunAsync(parsed, stdout, progress, cancellationToken),
                "list" => ListCommand.Run(parsed, stdout),
                _ => throw new UsageException($"unknown command '{parsed.Command}' (expected migrate, verify, backup or list)."),
            };
            return outcome == Outcome.Ok ? ExitOk : ExitSomeFailed;
        }
        catch (UsageException ex)
        {
            stderr.WriteLine($"bullion: {ex.Message}");
            stderr.WriteLine(Usage);
            return ExitUsage;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("bullion: cancelled.");
            return ExitSomeFailed;
        }
#pragma warning disable CA1031 // the one place a run that broke outright (e.g. an unwritable backup folder) becomes a message and exit 1
        catch (Exception ex)
#pragma warning restore CA1031
        {
            stderr.WriteLine($"bullion: {ex.Message}");
            return ExitSomeFailed;
        }
    }
}
