namespace Bullion.Cli;

/// <summary>A bad command line; the message names the argument. Exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The parsed command line: <c>&lt;command&gt; [--name value | --flag]...</c>, also <c>--name=value</c>. Hand-parsed: five
/// options do not justify a parser package, and every error must name the bad argument.
/// </summary>
internal sealed class CliArguments
{
    // Which options each command takes, and whether each takes a value.
    private static readonly Dictionary<string, Dictionary<string, bool>> Allowed = new(StringComparer.Ordinal)
    {
        ["migrate"] = new(StringComparer.Ordinal) { ["--data"] = true, ["--json"] = false, ["--parallelism"] = true },
        ["verify"] = new(StringComparer.Ordinal) { ["--data"] = true, ["--json"] = false, ["--quick"] = false },
        ["backup"] = new(StringComparer.Ordinal) { ["--data"] = true, ["--json"] = false, ["--to"] = true },
        ["list"] = new(StringComparer.Ordinal) { ["--data"] = true, ["--json"] = false },
    };

    private readonly Dictionary<string, string?> _options;

    private CliArguments(string command, Dictionary<string, string?> options)
    {
        Command = command;
        _options = options;
    }

    public string Command { get; }

    public bool Json => Has("--json");

    /// <summary>The data folder, as a full path (default ./data).</summary>
    public string DataPath => Path.GetFullPath(Value("--data") ?? "data");

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Value(string name) => _options.GetValueOrDefault(name);

    public string Required(string name) => Value(name) ?? throw new UsageException($"{Command} needs {name} <value>.");

    public static CliArguments Parse(string[] args)
    {
        var command = args[0];
        if (!Allowed.TryGetValue(command, out var allowed))
        {
            throw new UsageException($"unknown command '{command}' (expected migrate, verify, backup or list).");
        }
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = arg.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? arg[..equals] : arg;
            if (!allowed.TryGetValue(name, out var takesValue))
            {
                throw new UsageException(name.StartsWith('-') ? $"{command} does not take {name}." : $"unexpected argument '{arg}'.");
            }
            if (options.ContainsKey(name)) throw new UsageException($"{name} is given twice.");
            string? value = null;
            if (takesValue)
            {
                if (equals > 0) value = arg[(equals + 1)..];
                else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) value = args[++i];
                if (string.IsNullOrWhiteSpace(value)) throw new UsageException($"{name} needs a value.");
            }
            else if (equals > 0)
            {
                throw new UsageException($"{name} takes no value.");
            }
            options[name] = value;
        }
        return new CliArguments(command, options);
    }
}
