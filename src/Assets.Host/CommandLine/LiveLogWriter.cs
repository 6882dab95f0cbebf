using System.Text;
using Spectre.Console;

namespace Assets.Hosting.CommandLine;

/// <summary>
/// Standard error as the console logger sees it: whole lines go to the real stderr, except while a live progress view
/// is drawn on the same terminal, when they are written through that view's console so they appear above the bar
/// instead of inside it (Spectre redraws the live region below whatever is written through it).
/// </summary>
internal sealed class LiveLogWriter(TextWriter error, IAnsiConsole console) : TextWriter
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _line = new();
    private int _liveViews;

    public override Encoding Encoding => error.Encoding;

    /// <summary>Routes lines above the live view until the returned handle is disposed.</summary>
    public IDisposable BeginLiveView()
    {
        Interlocked.Increment(ref _liveViews);
        return new EndLiveView(this);
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value == '\n')
            {
                var line = _line.ToString().TrimEnd('\r');
                _line.Clear();
                WriteLineOut(line);
            }
            else
            {
                _line.Append(value);
            }
        }
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? string.Empty)
        {
            Write(c);
        }
    }

    public override void Flush()
    {
        lock (_gate)
        {
            error.Flush();
        }
    }

    private void WriteLineOut(string line)
    {
        if (Volatile.Read(ref _liveViews) > 0)
        {
            console.Write(new Text(line + Environment.NewLine));
        }
        else
        {
            error.WriteLine(line);
            error.Flush();
        }
    }

    private void EndView() => Interlocked.Decrement(ref _liveViews);

    private sealed class EndLiveView(LiveLogWriter writer) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                writer.EndView();
            }
        }
    }
}
