using System.Globalization;
using System.Text.Json;

namespace Bullion.Bench;

/// <summary>The result of one command: a human table (ours / seed / target) plus the machine-readable fields.</summary>
internal sealed class BenchReport(string title)
{
    private readonly List<(string Metric, string Ours, string Seed, string Target, bool? Met)> _rows = [];
    private readonly List<string> _notes = [];
    private readonly Dictionary<string, object> _json = new(StringComparer.Ordinal);

    public bool Passed => _rows.All(r => r.Met != false);

    public void Row(string metric, string ours, string seed = "", string target = "", bool? met = null) =>
        _rows.Add((metric, ours, seed, target, met));

    public void Note(string note) => _notes.Add(note);

    public void Json(string name, object value) => _json[name] = value;

    public void Print(bool json)
    {
        Console.WriteLine();
        Console.WriteLine(title);
        string[] headers = ["metric", "ours", "seed", "target", ""];
        var cells = _rows.Select(r => new[] { r.Metric, r.Ours, r.Seed, r.Target, r.Met switch { true => "met", false => "MISSED", null => "" } }).ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length))).ToArray();
        string Line(string[] c) => string.Join(" | ", c.Select((s, i) => s.PadRight(widths[i]))).TrimEnd();
        Console.WriteLine(Line(headers));
        Console.WriteLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var c in cells) Console.WriteLine(Line(c));
        foreach (var note in _notes) Console.WriteLine("  " + note);
        if (json)
        {
            // Last line of output, one object: scripts read it with `tail -n 1`.
            Console.WriteLine(JsonSerializer.Serialize(_json));
        }
    }

    public static string F(double value, int decimals = 0) => value.ToString("N" + decimals, CultureInfo.InvariantCulture);

    public static double Round(double value, int decimals) => Math.Round(value, decimals, MidpointRounding.AwayFromZero);
}
