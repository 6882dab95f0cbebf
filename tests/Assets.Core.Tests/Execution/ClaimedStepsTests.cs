using Assets.Execution;
using Assets.Graph;
using Assets.Metadata;
using static Assets.Core.Tests.Execution.ExecutorHarness;

namespace Assets.Core.Tests.Execution;

/// <summary>A worker's claim of one step run through the executor's path on its own (<see cref="AssetExecutor.RunClaimedAsync"/>).</summary>
public sealed class ClaimedStepsTests
{
    private static readonly AssetPartition Raw1 = P("raw", "2026-01-01");
    private static readonly AssetPartition Raw2 = P("raw", "2026-01-02");

    [Fact]
    public async Task RunClaimedAsync_OneStep_RetriesAndPublishes_UnderTheClaimsLeaseHolder_WithStepEventsOfTheRunButNoRunEvents()
    {
        var sut = Create();
        sut.Probe.On("raw", (context, _) => context.Attempt == 1 ? throw new IOException("disk hiccup") : Task.CompletedTask);
        var holder = RunId.New();
        var updates = new List<StepUpdate>();

        var results = await sut.Executor.RunClaimedAsync(
            new ClaimedSteps(sut.Run, [new ExecutionStep(Raw1, []) { Reason = "missing; claimed by worker w-1 (attempt 2, materialize)" }], holder),
            new Progress(updates));

        var result = Assert.Single(results);
        Assert.Equal((StepOutcome.Published, 2), (result.Outcome, result.Attempts));
        Assert.All(sut.Store.CallsOf(Raw1).Where(c => c.Kind == "Begin"), c => Assert.Equal(holder.Value, c.Detail));
        Assert.All(sut.Metadata.Events, e => Assert.Equal(sut.Run, e.RunId));
        Assert.DoesNotContain(sut.Metadata.Events, e => e.Kind is RunEventKind.RunStarted or RunEventKind.RunCompleted or RunEventKind.RunFailed or RunEventKind.RunCancelled);
        Assert.Equal("missing; claimed by worker w-1 (attempt 2, materialize)", sut.Metadata.EventsOf(RunEventKind.StepStarted)[0].Message);
        Assert.Single(sut.Metadata.EventsOf(RunEventKind.StepRetrying));
        Assert.Equal(StepPhase.Finished, updates[^1].Phase);
        Assert.Empty(sut.Store.Leases);
    }

    [Fact]
    public async Task RunClaimedAsync_TwoStepsThatAreNotOneRangeRun_AreRefusedBeforeAnythingRuns()
    {
        var sut = Create();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => sut.Executor.RunClaimedAsync(
            new ClaimedSteps(sut.Run, [new ExecutionStep(Raw1, []), new ExecutionStep(Raw2, [])], RunId.New())));

        Assert.Contains("exactly the steps of one range run", error.Message, StringComparison.Ordinal);
        Assert.Empty(sut.Store.Calls);
        Assert.Empty(sut.Metadata.Events);
    }

    [Fact]
    public async Task RunClaimedAsync_StopsWhenCancelled_EndsCancelled_AndPublishesNothing()
    {
        var sut = Create();
        using var stop = new CancellationTokenSource();
        sut.Probe.On("raw", async (_, ct) =>
        {
            await stop.CancelAsync();
            await Task.Delay(Timeout.Infinite, ct);
        });

        var results = await sut.Executor.RunClaimedAsync(new ClaimedSteps(sut.Run, [new ExecutionStep(Raw1, [])], RunId.New()), null, stop.Token);

        Assert.Equal(StepOutcome.Cancelled, Assert.Single(results).Outcome);
        Assert.Empty(sut.Store.Publishes);
        Assert.Empty(sut.Store.Leases);
    }

    private sealed class Progress(List<StepUpdate> updates) : IProgress<StepUpdate>
    {
        public void Report(StepUpdate value)
        {
            lock (updates)
            {
                updates.Add(value);
            }
        }
    }
}
