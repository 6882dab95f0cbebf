using System.Diagnostics;
using System.Text.Json;
using Assets.Metadata;
using Assets.Storage.Metadata;

namespace Assets.EndToEnd.Tests.Backfills;

/// <summary>
/// The acceptance run: <c>backfill start</c> over the example's January in a real process, killed with
/// SIGKILL part-way, then <c>backfill resume</c> ends completed with every partition published exactly once.
/// </summary>
public sealed class BackfillKillResumeTests() : TempRoot("kill")
{

    [Fact]
    public async Task KilledPartWay_ShowsInterrupted_AndResumeCompletesWithEveryPartitionPublishedOnce()
    {
        var environment = Environment;
        await ExampleProgram.RunUntilPublishedAsync(environment, ["backfill", "start", "--select", "*", "--max-concurrency", "1"], published: 20, (process, _) =>
        {
            process.Kill(); // SIGKILL: no handler runs, the backfill stays "running" with a dead owner.
            return Task.CompletedTask;
        });

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

        await using var metadata = await DuckDbMetadataStore.OpenAsync(Path.Combine(Root, "_meta", "assets.duckdb"));
        var states = await metadata.GetStatesAsync();
        Assert.Equal(97, states.Count);
        Assert.All(states, s => Assert.Equal((PartitionStatus.Published, 1L), (s.Status, s.Sequence ?? 0)));
    }

    [Fact]
    public async Task CancelFromAnotherProcess_StopsTheRunningBackfillCleanly_AndKeepsItsRecord()
    {
        var environment = Environment;
        string? id = null;
        var exitCode = await ExampleProgram.RunUntilPublishedAsync(environment, ["backfill", "start", "--select", "raw_orders+", "--max-concurrency", "1"], published: 5, async (process, firstLine) =>
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
        await using var metadata = await DuckDbMetadataStore.OpenAsync(Path.Combine(Root, "_meta", "assets.duckdb"));
        Assert.All(await metadata.GetStatesAsync(), s => Assert.NotEqual(PartitionStatus.Running, s.Status));
    }
}
