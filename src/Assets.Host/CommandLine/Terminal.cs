using Spectre.Console;

namespace Assets.Hosting.CommandLine;

/// <summary>
/// Where a command writes: <see cref="Console"/> for rendered output (tables, trees, colours),
/// <see cref="Out"/> for plain machine output (<c>--json</c>, graph sources) and <see cref="Error"/> for
/// problems. Tests give string writers.
/// </summary>
internal sealed class Terminal(IAnsiConsole console, TextWriter @out, TextWriter error, bool live = false)
{
    public IAnsiConsole Console { get; } = console;

    public TextWriter Out { get; } = @out;

    public TextWriter Error { get; } = error;

    /// <summary>
    /// Whether progress is drawn in place (an interactive terminal whose output is not redirected); otherwise it is one
    /// line per step.
    /// </summary>
    public bool Live { get; } = live;

    /// <summary>Where log lines go: above the live view while one is drawn, else to <see cref="Error"/>.</summary>
    public LiveLogWriter Logs { get; } = new(error, console);

    public static Terminal System()
    {
        var console = AnsiConsole.Console;
        var redirected = global::System.Console.IsOutputRedirected;
        if (redirected)
        {
            // Piped or captured output has no width: do not wrap lines at the 80 columns Spectre assumes.
            console.Profile.Width = 400;
        }

        var terminal = new Terminal(console, global::System.Console.Out, global::System.Console.Error, console.Profile.Capabilities.Interactive && !redirected);

        // The console logger writes to Console.Error: through the terminal, its lines land above a live progress view
        // instead of inside the redrawn bar.
        global::System.Console.SetError(terminal.Logs);
        return terminal;
    }

    public static Terminal ForWriters(TextWriter @out, TextWriter error, int width = 120, bool live = false)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = live ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = live ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = live ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(@out),
        });
        console.Profile.Width = width;
        return new Terminal(console, @out, error, live);
    }
}
