using Spectre.Console;

namespace Assets.Hosting.CommandLine;

/// <summary>
/// Where a command writes: <see cref="Console"/> for rendered output (tables, trees, colours),
/// <see cref="Out"/> for plain machine output (<c>--json</c>, graph sources) and <see cref="Error"/> for
/// problems. Tests give string writers.
/// </summary>
internal sealed class Terminal(IAnsiConsole console, TextWriter @out, TextWriter error)
{
    public IAnsiConsole Console { get; } = console;

    public TextWriter Out { get; } = @out;

    public TextWriter Error { get; } = error;

    public static Terminal System()
    {
        var console = AnsiConsole.Console;
        if (global::System.Console.IsOutputRedirected)
        {
            // Piped or captured output has no width: do not wrap lines at the 80 columns Spectre assumes.
            console.Profile.Width = 400;
        }

        return new Terminal(console, global::System.Console.Out, global::System.Console.Error);
    }

    public static Terminal ForWriters(TextWriter @out, TextWriter error, int width = 120)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(@out),
        });
        console.Profile.Width = width;
        return new Terminal(console, @out, error);
    }
}
