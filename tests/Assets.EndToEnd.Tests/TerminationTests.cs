using System.Diagnostics;
using System.Text.Json;
using Assets.Metadata;
using Assets.Storage.Metadata;

namespace Assets.EndToEnd.Tests;

/// <summary>SIGTERM (what a scheduler or Ctrl+C's cousin sends) stops <c>materialize</c> cleanly.</summary>
public sealed class TerminationTests() : TempRoot("sigterm")
{

    [Fact]
    public async Task Sigterm_DuringMaterialize_CancelsInFlightSteps_PublishesNothingPartial_AndRecordsTheRunCancelled()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // No SIGTERM to send; Ctrl+C takes the same path through System.CommandLine's cancellation.
        }

        var environment = Environment;
        var exitCode = await ExampleProgram.RunUntilPublishedAsync(environment, ["materialize", "--select", "*", "--parallel", "1"], published: 10, async (process, _) =>
        {
            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync();
        });

        Assert.Equal(1, exitCode);
        var verify = await ExampleProgram.RunAsync(environment, "verify");
        Assert.True(verify.ExitCode == 0, verify.Error + verify.Out);
        using (var status = JsonDocument.Parse((await ExampleProgram.RunAsync(environment, "status", "--json")).Out))
        {
            var statuses = status.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("status").GetString()).ToList();
            Assert.DoesNotContain("running", statuses);
            Assert.InRange(statuses.Count(s => s == "published"), 10, 96);
        }

        await using var metadata = await DuckDbMetadataStore.OpenAsync(Path.Combine(Root, "_meta", "assets.duckdb"));
        var events = await metadata.GetEventsAsync(limit: 100_000);
        Assert.Contains(events, e => e.Kind == RunEventKind.RunCancelled);
        Assert.DoesNotContain(events, e => e.Kind is RunEventKind.RunCompleted or RunEventKind.RunFailed);
    }
}
