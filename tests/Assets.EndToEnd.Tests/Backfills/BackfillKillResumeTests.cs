using System.Diagnostics;
using System.Text.Json;
using Assets.Metadata;
using Assets.Storage.Metadata;

namespace Assets.EndToEnd.Tests.Backfills;

/// <summary>
/// The acceptance run: <c>backfill start</c> over the example's January in a real process, killed with
/// SIGKILL part-way, then <c>backfill resume</c> ends completed with every partition published exactly once.
/// </summary>
public sealed class BackfillKillResumeTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "assets-kill-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task KilledPartWay_ShowsInterrupted_AndResumeCompletesWithEveryPartitionPublishedOnce()
    {
        var environment = new Dictionary<string, string> { ["Assets__Root"] = _root };
        await KillAfterPublishedAsync(environment, ["backfill", "start", "--select", "*", "--max-concurrency", "1"], published: 20);

        using (var list = JsonDocument.Parse((await ExampleProgram.RunAsync(environment, "backfill", "list", "--json")).Out))
        {
            var backfill = list.RootElement.GetProperty("backfills").EnumerateArray().Single();
            Assert.Equal("interrupted", backfill.GetProperty("status").GetString());
            Assert.Equal(97, backfill.GetProperty("steps").GetInt32());
            Assert.InRange(backfill.GetProperty("done").GetInt32(), 19, 96);
            var id = backfill.GetProperty("id").GetString()!;

            var resumed = await ExampleProgram.RunAsync(environment, "backfill", "resume", id);

            Assert.True(resumed.ExitCode == 0, resumed.Error + resumed.Out);
            Assert.Contains($"Backfill {id} completed", resumed.Out, StringComparison.Ordinal);
            using var status = JsonDocument.Parse((await ExampleProgram.RunAsync(environment, "backfill", "status", id, "--json")).Out);
            Assert.Equal("completed", status.RootElement.GetProperty("status").GetString());
            Assert.Equal(97, status.RootElement.GetProperty("done").GetInt32());
        }

        await using var metadata = await DuckDbMetadataStore.OpenAsync(Path.Combine(_root, "_meta", "assets.duckdb"));
        var states = await metadata.GetStatesAsync();
        Assert.Equal(97, states.Count);
        Assert.All(states, s => Assert.Equal((PartitionStatus.Published, 1L), (s.Status, s.Sequence ?? 0)));
    }

    [Fact]
    public async Task CancelFromAnotherProcess_StopsTheRunningBackfillCleanly_AndKeepsItsRecord()
    {
        var environment = new Dictionary<string, string> { ["Assets__Root"] = _root };
        string? id = null;
        var exitCode = await RunUntilAsync(environment, ["backfill", "start", "--select", "raw_orders+", "--max-concurrency", "1"], published: 5, async (process, firstLine) =>
        {
            id = firstLine.Split(' ', ':')[1];
            var cancel = await ExampleProgram.RunAsync(environment, "backfill", "cancel", id);
            Assert.True(cancel.ExitCode == 0, cancel.Error + cancel.Out);
            Assert.Contains("is stopping", cancel.Out, StringComparison.Ordinal);
        });

        Assert.Equal(1, exitCode);
        using var status = JsonDocument.Parse((await ExampleProgram.RunAsync(environment, "backfill", "status", id!, "--json")).Out);
        Assert.Equal("cancelled", status.RootElement.GetProperty("status").GetString());
        Assert.InRange(status.RootElement.GetProperty("done").GetInt32(), 5, 96);
        await using var metadata = await DuckDbMetadataStore.OpenAsync(Path.Combine(_root, "_meta", "assets.duckdb"));
        Assert.All(await metadata.GetStatesAsync(), s => Assert.NotEqual(PartitionStatus.Running, s.Status));
    }

    /// <summary>Runs the example program and SIGKILLs it once it has reported <paramref name="published"/> published steps.</summary>
    private static async Task KillAfterPublishedAsync(IReadOnlyDictionary<string, string> environment, string[] args, int published)
        => await RunUntilAsync(environment, args, published, (process, _) =>
        {
            process.Kill(); // SIGKILL: no handler runs, the backfill stays "running" with a dead owner.
            return Task.CompletedTask;
        });

    /// <summary>Runs the example program; once it has reported <paramref name="published"/> published steps, does <paramref name="then"/>; returns its exit code.</summary>
    private static async Task<int> RunUntilAsync(IReadOnlyDictionary<string, string> environment, string[] args, int published, Func<Process, string, Task> then)
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
}
