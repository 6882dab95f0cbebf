using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Assets.Storage.Tests;

/// <summary>
/// A file-based program from <c>tests/tools</c> run as a separate process with <c>dotnet run --file</c>, for
/// tests about what another process sees (a held lock) or leaves behind (a kill -9 mid-write). The first
/// run compiles the program, so waiting for its first line allows minutes.
/// </summary>
internal sealed class ChildProgram : IDisposable
{
    private readonly Process _process;

    private ChildProgram(Process process) => _process = process;

    public static ChildProgram Start(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["run", "--file", Path.Combine(RepositoryRoot(), "tests", "tools", script), "--", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        return new ChildProgram(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."));
    }

    /// <summary>The rest of the first output line that starts with <paramref name="prefix"/>.</summary>
    public async Task<string> WaitForLineAsync(string prefix)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line[prefix.Length..];
            }
        }

        throw new InvalidOperationException($"The child program exited before printing '{prefix}': {await _process.StandardError.ReadToEndAsync()}");
    }

    /// <summary>Closes its standard input (the programs take that as "stop") and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>SIGKILL to the program and everything it started, as a crash or an OOM kill would: no cleanup runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    /// <summary>The folder with Assets.sln above the test assembly, or else above this source file.</summary>
    private static string RepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? string.Empty })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Assets.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException("The repository root (with Assets.sln) is neither above the test assembly nor above this source file.");
    }
}
