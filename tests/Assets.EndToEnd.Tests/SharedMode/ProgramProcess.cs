using System.Diagnostics;
using System.Globalization;

namespace Assets.EndToEnd.Tests.SharedMode;

/// <summary>
/// The example program running in the background (a worker, a waiting <c>materialize</c>): its output lines collected as
/// they come, signals sent as a shell would (<c>kill -STOP</c>, <c>kill -9</c>), and it is killed on dispose if still running.
/// </summary>
internal sealed class ProgramProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];

    private ProgramProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += Collect;
        _process.ErrorDataReceived += Collect;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything it wrote so far, stdout and stderr as they came.</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    public static ProgramProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
        => StartProgram("ExampleAssets.dll", environment, args);

    /// <summary>Starts <paramref name="assembly"/> (a program in the test's output folder) with <c>dotnet</c>.</summary>
    public static ProgramProcess StartProgram(string assembly, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = ExampleProgram.RepositoryRoot() };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new ProgramProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."));
    }

    /// <summary>Waits until a line contains <paramref name="text"/>; fails the test with the output when <paramref name="within"/> passes first.</summary>
    public async Task WaitForLineAsync(string text, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"'{text}' did not appear within {within.TotalSeconds:0}s:\n{Output}");
    }

    /// <summary>Waits for the process to exit and returns its exit code; fails the test when <paramref name="within"/> passes first.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The program did not exit within {within.TotalSeconds:0}s:\n{Output}");
        }

        // The last lines arrive after the exit event.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Sends a signal by name (<c>STOP</c>, <c>CONT</c>, <c>TERM</c>, <c>KILL</c>), as <c>kill -NAME pid</c> does.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", Id.ToString(CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            // SIGKILL ends it even while it is stopped (SIGSTOP).
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Collect(object? sender, DataReceivedEventArgs e)
    {
        if (e.Data is { } line)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }
    }
}
