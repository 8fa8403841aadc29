using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Bullion.Web.Tests;

/// <summary>
/// The built service run as its own process (<c>dotnet Bullion.Web.dll</c>), as an operator runs it: real arguments,
/// real environment, real signals. Used where the in-process test host cannot tell the truth: the listening address
/// chosen from <c>--urls</c>, and start-ups that fail (the test host races the entry point's own disposal then).
/// </summary>
internal sealed partial class AppProcess : IAsyncDisposable
{
    // 60 s: generous for a cold start on 2 busy cores; a hang still ends the test with the phase named.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppProcess(Process process) => _process = process;

    public static AppProcess Start(string dataPath, IEnumerable<string>? args = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The content root: appsettings.json sits beside the copied Bullion.Web.dll.
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Bullion.Web.dll"));
        foreach (var arg in args ?? []) start.ArgumentList.Add(arg);
        // Nothing inherited may choose the address or the data for this run.
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_HTTP_PORTS", "ASPNETCORE_ENVIRONMENT" })
        {
            start.Environment.Remove(inherited);
        }
        start.Environment["Bullion__DataPath"] = dataPath;
        // Processes under test never reach the public price mirrors (a test may still turn the feed on).
        start.Environment["Prices__Enabled"] = "false";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        var process = new Process { StartInfo = start };
        var app = new AppProcess(process);
        process.OutputDataReceived += (_, e) => app.Collect(e.Data);
        process.ErrorDataReceived += (_, e) => app.Collect(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public async Task<Uri> ListeningAsync()
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_listening.Task, exited).WaitAsync(Patience).ConfigureAwait(false);
        if (first != _listening.Task) throw new InvalidOperationException($"The app exited (code {_process.ExitCode}) before listening. Output:\n{Output}");
        return await _listening.Task;
    }

    public async Task<int> ExitedAsync()
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(Patience);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"The app (pid {_process.Id}) did not exit within {Patience}. Output:\n{Output}", ex);
        }
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as a service manager stops it: the host shuts down gracefully.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        return await ExitedAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        var match = ListeningLine().Match(line);
        if (match.Success) _listening.TrySetResult(new Uri(match.Groups[1].Value));
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
