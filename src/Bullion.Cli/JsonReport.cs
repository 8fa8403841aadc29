using System.Text.Json;

namespace Bullion.Cli;

/// <summary>The <c>--json</c> report: one object, one line, last on stdout, camelCase names.</summary>
internal static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public static void Write<T>(TextWriter stdout, T report) => stdout.WriteLine(JsonSerializer.Serialize(report, Options));
}
