namespace Bullion.Cli;

/// <summary>
/// Progress on stderr: one line rewritten in place on a terminal, otherwise a plain line every ~10 % (logs and pipes
/// get a readable trail, not thousands of carriage returns). Callers serialise their reports.
/// </summary>
internal sealed class ProgressLine(TextWriter stderr, bool terminal)
{
    private int _lastDecile = -1;
    private long _lastDrawn;

    public void Report(string verb, int done, int total, int failed)
    {
        if (total == 0) return;
        var text = $"{verb} {done}/{total} ({done * 100L / total} %), {failed} failed";
        if (terminal)
        {
            // Redraw at most every 100 ms (and always at the end): a fast fleet would otherwise spend its time writing.
            var now = Environment.TickCount64;
            if (done != total && now - _lastDrawn < 100) return;
            _lastDrawn = now;
            stderr.Write($"\r{text}   ");
            if (done == total) stderr.WriteLine();
            return;
        }
        var decile = (int)(done * 10L / total);
        if (decile == _lastDecile) return;
        _lastDecile = decile;
        stderr.WriteLine(text);
    }
}
