using System.Globalization;

namespace Bullion.Bench;

/// <summary><c>--name value</c> options and the <c>--json</c> flag; unknown names are refused so a typo never runs defaults silently.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private BenchArgs(Dictionary<string, string> values, bool json)
    {
        _values = values;
        Json = json;
    }

    public bool Json { get; }

    public static BenchArgs Parse(ReadOnlySpan<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var json = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--json")
            {
                json = true;
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                values[arg[2..]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }
        }
        return new BenchArgs(values, json);
    }

    public int Int(string name, int fallback)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var text)) return fallback;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"--{name} needs a positive integer (was '{text}')");
    }

    /// <summary>Call after reading every option: refuses the ones the command does not know.</summary>
    public void RejectUnknown()
    {
        foreach (var name in _values.Keys)
        {
            if (!_read.Contains(name)) throw new ArgumentException($"unknown option --{name}");
        }
    }
}
