using System.Diagnostics;

namespace Assets.EndToEnd.Tests;

/// <summary>Runs the example's real program (ExampleAssets.dll next to the tests) as a user's shell would.</summary>
internal static class ExampleProgram
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static Task<Result> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    /// <summary>Runs the program with extra environment variables (configuration such as Example__SourceDir).</summary>
    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var program = Path.Combine(AppContext.BaseDirectory, "ExampleAssets.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot(),
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(program);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>Runs the example program; once it has reported <paramref name="published"/> published steps, does <paramref name="then"/>; returns its exit code.</summary>
    public static async Task<int> RunUntilPublishedAsync(IReadOnlyDictionary<string, string> environment, string[] args, int published, Func<Process, string, Task> then)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = ExampleProgram.RepositoryRoot() };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ExampleAssets.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var seen = 0;
        string? first = null;
        var output = new List<string>();
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            first ??= line;
            output.Add(line);
            if (line.Contains(" published ", StringComparison.Ordinal) && ++seen == published)
            {
                await then(process, first);
                break;
            }
        }

        // Drain what the process still writes while it stops.
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            output.Add(line);
        }

        await process.WaitForExitAsync(timeout.Token);
        Assert.True(seen == published, $"the backfill ended after {seen} published steps, before the test could act:\n{string.Join('\n', output)}");
        return process.ExitCode;
    }

    /// <summary>The repository's root, where the README's commands run.</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Assets.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Assets.sln not found above " + AppContext.BaseDirectory);
    }
}
