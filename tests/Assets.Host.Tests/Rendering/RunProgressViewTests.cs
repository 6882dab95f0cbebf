using System.Text.RegularExpressions;
using Assets.Execution;
using Assets.Hosting.CommandLine;
using Assets.Hosting.Rendering;

namespace Assets.Host.Tests.Rendering;

/// <summary>The live progress view on an 80-column terminal, with log lines written while it is drawn.</summary>
public sealed partial class RunProgressViewTests
{
    [Fact]
    public async Task LiveView_At80Columns_StaysWithinTheWidth_AndLogLinesLandAboveIt()
    {
        using var output = new StringWriter();
        var terminal = Terminal.ForWriters(output, TextWriter.Null, width: 80, live: true);

        var view = RunProgressView.Start(terminal, "run 01a24c97de0977f3886852a6502a1e5d", 97);
        for (var i = 0; i < 5; i++)
        {
            view.Finished(StepOutcome.Published, $"raw_orders[2026-01-0{i + 1}]", TimeSpan.FromSeconds(1), null);
        }

        terminal.Logs.WriteLine("warn: clean_orders[2026-01-02]: dropped 6 of 2805 rows");
        await Task.Delay(300);
        view.Finished(StepOutcome.Failed, "raw_orders[2026-01-06]", TimeSpan.FromSeconds(1), "boom");
        await view.DisposeAsync();

        // A cursor movement or carriage return starts drawing anew, like a line break does.
        var lines = CursorMovement().Replace(Colour().Replace(output.ToString(), string.Empty), "\n").Split('\n', '\r');
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: '{l}'"));
        var log = Assert.Single(lines, l => l.Contains("dropped 6 of 2805 rows", StringComparison.Ordinal));
        Assert.Equal("warn: clean_orders[2026-01-02]: dropped 6 of 2805 rows", log.Trim());
        var last = lines.Last(l => l.Contains("left", StringComparison.Ordinal));
        Assert.Contains("5 done, 1 failed, 0 skipped, 91 left", last, StringComparison.Ordinal);
        Assert.Contains("━", last, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex Colour();

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex CursorMovement();
}
