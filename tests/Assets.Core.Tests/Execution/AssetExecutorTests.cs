using Assets.Core.Tests.Execution.Fixtures;
using Assets.Execution;
using Assets.Graph;
using Assets.Partitions;
using Assets.Metadata;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using static Assets.Core.Tests.Execution.ExecutorHarness;

namespace Assets.Core.Tests.Execution;

public sealed class AssetExecutorTests
{
    private static readonly AssetPartition Raw1 = P("raw", "2026-01-01");
    private static readonly AssetPartition Clean1 = P("clean", "2026-01-01");

    [Fact]
    public async Task RunAsync_TransientFailureTwice_RetriesAndPublishesOnTheThirdAttempt()
    {
        var sut = Create();
        var attempts = new List<int>();
        sut.Probe.On("raw", (context, _) =>
        {
            attempts.Add(context.Attempt);
            return context.Attempt <= 2 ? throw new IOException("disk hiccup") : Task.CompletedTask;
        });

        var summary = await sut.RunAsync(Raw1);

        var step = summary[Raw1];
        Assert.Equal(StepOutcome.Published, step.Outcome);
        Assert.Equal(3, step.Attempts);
        Assert.Equal([1, 2, 3], attempts);
        Assert.Equal(2, sut.Metadata.EventsOf(RunEventKind.StepRetrying).Count);
        Assert.Equal([1, 2], sut.Metadata.EventsOf(RunEventKind.StepRetrying).Select(e => e.Attempt!.Value));
        Assert.Contains("disk hiccup", sut.Metadata.EventsOf(RunEventKind.StepRetrying)[0].Message, StringComparison.Ordinal);
        Assert.Single(sut.Store.Publishes);
        Assert.Equal(
            ["Begin", "Abandon", "Begin", "Abandon", "Begin", "Write", "Publish", "Dispose"],
            sut.Store.CallsOf(Raw1).Select(c => c.Kind));
        var ids = sut.Store.CallsOf(Raw1).Where(c => c.Kind == "Begin").Select(c => c.Id).ToList();
        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal(ids[2], sut.Store.Publishes[0].Id);
        Assert.Equal(2, sut.Time.Delays.Count);
        Assert.Equal(RunOutcome.Completed, summary.Outcome);
        Assert.Empty(sut.Store.Leases);
    }

    [Fact]
    public async Task RunAsync_TwoStepsRetryingAtOnce_EachRetryAbandonsAndReportsItsOwnStep()
    {
        // Steps share one retry pipeline per policy; each retry must still reach the step whose attempt failed.
        var sut = Create(maxParallelism: 2);
        var raw2 = P("raw", "2026-01-02");
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        sut.Probe.On("raw", async (context, token) =>
        {
            if (context.Attempt > 1)
            {
                return;
            }

            if (Interlocked.Increment(ref started) == 2)
            {
                bothStarted.SetResult();
            }

            await bothStarted.Task.WaitAsync(token);
            throw new IOException($"disk hiccup on {context.Partition}");
        });

        var summary = await sut.RunAsync(Raw1, raw2);

        foreach (var partition in new[] { Raw1, raw2 })
        {
            Assert.Equal(StepOutcome.Published, summary[partition].Outcome);
            Assert.Equal(2, summary[partition].Attempts);
            Assert.Equal(["Begin", "Abandon", "Begin", "Write", "Publish", "Dispose"], sut.Store.CallsOf(partition).Select(c => c.Kind));
            var retrying = Assert.Single(sut.Metadata.EventsOf(RunEventKind.StepRetrying), e => e.Partition == partition);
            Assert.Equal(1, retrying.Attempt);
            Assert.Contains($"disk hiccup on {partition.Partition}", retrying.Message, StringComparison.Ordinal);
        }

        Assert.Empty(sut.Store.Leases);
    }

    [Fact]
    public async Task RunAsync_NonRetryableFailure_FailsOnceWithItsMessage()
    {
        var sut = Create();
        sut.Probe.On("raw", (_, _) => throw new NonRetryableException("the export has a broken header"));

        var summary = await sut.RunAsync(Raw1);

        var step = summary[Raw1];
        Assert.Equal(StepOutcome.Failed, step.Outcome);
        Assert.Equal(1, step.Attempts);
        Assert.Equal("the export has a broken header", step.Cause);
        Assert.Equal(typeof(NonRetryableException).FullName, step.ErrorType);
        Assert.Empty(sut.Metadata.EventsOf(RunEventKind.StepRetrying));
        Assert.Equal(["Begin", "Fail", "Dispose"], sut.Store.CallsOf(Raw1).Select(c => c.Kind));
        Assert.Equal("the export has a broken header", sut.Store.CallsOf(Raw1)[1].Detail);
        Assert.Empty(sut.Store.Publishes);
        Assert.Equal(RunOutcome.Failed, summary.Outcome);
        Assert.Single(sut.Metadata.EventsOf(RunEventKind.RunFailed));
    }

    [Fact]
    public async Task RunAsync_TransientFailureEveryAttempt_FailsAfterMaxAttemptsAndMarksTheLastFailed()
    {
        var sut = Create();
        sut.Probe.On("raw", (_, _) => throw new TimeoutException("source timed out"));

        var summary = await sut.RunAsync(Raw1);

        Assert.Equal(StepOutcome.Failed, summary[Raw1].Outcome);
        Assert.Equal(3, summary[Raw1].Attempts);
        Assert.Equal(
            ["Begin", "Abandon", "Begin", "Abandon", "Begin", "Fail", "Dispose"],
            sut.Store.CallsOf(Raw1).Select(c => c.Kind));
        Assert.Contains("TimeoutException: source timed out", sut.Store.CallsOf(Raw1)[5].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SourceNotArrived_IsWaitingNotFailedAndNotRetried()
    {
        var sut = Create();
        sut.Probe.On("raw", (_, _) => throw new SourceNotArrivedException("orders/2026-01-01.csv"));

        var summary = await sut.RunAsync(Raw1, Clean1);

        Assert.Equal(StepOutcome.Waiting, summary[Raw1].Outcome);
        Assert.Equal(1, summary[Raw1].Attempts);
        Assert.Single(sut.Metadata.EventsOf(RunEventKind.StepWaiting));
        Assert.Empty(sut.Metadata.EventsOf(RunEventKind.StepFailed));
        Assert.Contains("orders/2026-01-01.csv", sut.Store.CallsOf(Raw1).Single(c => c.Kind == "Wait").Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(sut.Store.CallsOf(Raw1), c => c.Kind == "Fail");
        Assert.Equal(StepOutcome.Skipped, summary[Clean1].Outcome);
        Assert.Equal("upstream raw[2026-01-01] is waiting for its source", summary[Clean1].Cause);
        Assert.Equal(RunOutcome.Completed, summary.Outcome);
    }

    [Fact]
    public async Task RunAsync_LeaseHeldByAnotherRun_FailsAtOnceWithoutRetryOrFailAsync()
    {
        var sut = Create();
        sut.Store.HoldLease(Raw1);

        var summary = await sut.RunAsync(Raw1);

        Assert.Equal(StepOutcome.Failed, summary[Raw1].Outcome);
        Assert.Equal(1, summary[Raw1].Attempts);
        Assert.Contains("another run", summary[Raw1].Cause, StringComparison.Ordinal);
        Assert.Empty(sut.Store.CallsOf(Raw1));
        Assert.Empty(sut.Probe.Contexts);
    }

    [Fact]
    public async Task RunAsync_FailedStep_SkipsExactlyItsDownstreamWhileAnIndependentBranchPublishes()
    {
        var sut = Create();
        sut.Probe.On("raw", (context, _) => context.Partition!.Value.Value == "2026-01-01" ? throw new NonRetryableException("bad file") : Task.CompletedTask);
        var raw2 = P("raw", "2026-01-02");
        var clean2 = P("clean", "2026-01-02");
        var rolling1 = P("rolling", "2026-01-01");
        var side1 = P("side", "2026-01-01");

        var summary = await sut.RunAsync(Raw1, Clean1, rolling1, side1, raw2, clean2);

        Assert.Equal(StepOutcome.Failed, summary[Raw1].Outcome);
        Assert.Equal(StepOutcome.Skipped, summary[Clean1].Outcome);
        Assert.Equal("upstream raw[2026-01-01] failed", summary[Clean1].Cause);
        Assert.Equal(StepOutcome.Skipped, summary[rolling1].Outcome);
        Assert.Equal("upstream raw[2026-01-01] failed", summary[rolling1].Cause);
        Assert.Equal(0, summary[rolling1].Attempts);
        Assert.Equal(StepOutcome.Published, summary[side1].Outcome);
        Assert.Equal(StepOutcome.Published, summary[raw2].Outcome);
        Assert.Equal(StepOutcome.Published, summary[clean2].Outcome);
        Assert.Equal(
            [Clean1, rolling1],
            sut.Metadata.EventsOf(RunEventKind.StepSkipped).Select(e => e.Partition!.Value).Order(Comparer<AssetPartition>.Create((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()))));
        Assert.Empty(sut.Store.CallsOf(Clean1));
        Assert.Equal((1, 2, 3), (summary.Failed, summary.Skipped, summary.Published));
    }

    [Fact]
    public async Task RunAsync_ManyIndependentSteps_NeverRunsMoreThanMaxParallelism()
    {
        var sut = Create(maxParallelism: 3);
        sut.Probe.On("side", (_, ct) => Task.Delay(5, ct));
        var days = Enumerable.Range(1, 20).Select(d => P("side", $"2026-01-{d:00}")).ToArray();

        var summary = await sut.RunAsync(days);

        Assert.Equal(20, summary.Published);
        Assert.InRange(sut.Probe.MaxRunning, 2, 3);
    }

    [Fact]
    public async Task RunAsync_Chain_StartsEveryStepAfterItsDependenciesFinished()
    {
        var sut = Create(maxParallelism: 8);
        sut.Probe.On("raw", (_, ct) => Task.Delay(2, ct));
        var days = Enumerable.Range(1, 5).Select(d => $"2026-01-{d:00}").ToArray();
        var partitions = days.SelectMany(d => new[] { P("rolling", d), P("clean", d), P("raw", d) }).ToArray();
        var steps = sut.Steps(partitions);

        var summary = await sut.RunAsync(steps);

        Assert.Equal(15, summary.Published);
        foreach (var step in steps)
        {
            foreach (var dependency in step.DependsOn)
            {
                Assert.True(
                    sut.Probe.FinishedAt[dependency.ToString()] < sut.Probe.StartedAt[step.Partition.ToString()],
                    $"{step.Partition} started before {dependency} finished");
            }
        }

        Assert.Equal(3, steps.Single(s => s.Partition == P("rolling", "2026-01-05")).DependsOn.Count);
    }

    [Fact]
    public async Task RunAsync_CancelledMidRun_CancelsInFlightPublishesNothingPartialAndReleasesLeases()
    {
        var sut = Create(maxParallelism: 1);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var observedCancellation = false;
        sut.Probe.On("raw", async (_, ct) =>
        {
            entered.SetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                observedCancellation = true;
                throw;
            }
        });
        using var cts = new CancellationTokenSource();
        var side1 = P("side", "2026-01-01");

        var running = sut.RunAsync(sut.Steps(Raw1, Clean1, side1), cancellationToken: cts.Token);
        await entered.Task;
        await cts.CancelAsync();
        var summary = await running;

        Assert.True(observedCancellation);
        Assert.Equal(RunOutcome.Cancelled, summary.Outcome);
        Assert.All(summary.Steps, s => Assert.Equal(StepOutcome.Cancelled, s.Outcome));
        Assert.Equal(1, summary[Raw1].Attempts);
        Assert.Equal(0, summary[side1].Attempts);
        Assert.Empty(sut.Store.Publishes);
        Assert.Equal(["Begin", "Abandon"], sut.Store.CallsOf(Raw1).Select(c => c.Kind));
        Assert.Empty(sut.Store.Leases);
        Assert.Empty(sut.Metadata.EventsOf(RunEventKind.StepRetrying));
        Assert.Single(sut.Metadata.EventsOf(RunEventKind.RunCancelled));
        Assert.Equal(RunEventKind.RunCancelled, sut.Metadata.Events[^1].Kind);
    }

    [Fact]
    public async Task RunAsync_BlockingCheckFails_QuarantinesWithTheCheckDescriptionAndPublishesNothing()
    {
        var sut = Create();
        sut.Probe.Rows = context => [new Sale("a", -1m), new Sale("b", 2m)];
        var rolling1 = P("rolling", "2026-01-01");

        var summary = await sut.RunAsync(Raw1, Clean1, rolling1);

        var step = summary[Clean1];
        Assert.Equal(StepOutcome.Quarantined, step.Outcome);
        Assert.Equal(1, step.Attempts);
        Assert.Equal("Blocking check no_negative_amounts failed: 1 sales have negative amounts", step.Cause);
        var quarantine = sut.Store.CallsOf(Clean1).Single(c => c.Kind == "Quarantine");
        Assert.Equal(step.Cause, quarantine.Detail);
        Assert.DoesNotContain(sut.Store.CallsOf(Clean1), c => c.Kind is "Publish" or "Fail");
        Assert.Null(sut.Store.PublishedRows(Clean1));
        Assert.Equal([("no_negative_amounts", false, true), ("at_least_two_sales", true, false)], step.Checks.Select(c => (c.CheckName, c.Passed, c.Blocking)));
        Assert.Equal(StepOutcome.Skipped, summary[rolling1].Outcome);
        Assert.Equal("upstream clean[2026-01-01] was quarantined", summary[rolling1].Cause);
        Assert.Single(sut.Metadata.EventsOf(RunEventKind.StepQuarantined));
        Assert.Equal(RunOutcome.Failed, summary.Outcome);
    }

    [Fact]
    public async Task RunAsync_NonBlockingCheckFails_PublishesWithTheWarningRecorded()
    {
        var sut = Create();
        sut.Probe.Rows = context => [new Sale("only", 3m)];

        var summary = await sut.RunAsync(Raw1, Clean1);

        var step = summary[Clean1];
        Assert.Equal(StepOutcome.Published, step.Outcome);
        Assert.Equal(["Check at_least_two_sales failed: only 1 sales"], step.Warnings);
        var publish = sut.Store.Publishes.Single(p => p.Partition == Clean1);
        Assert.Equal([true, false], publish.Checks.Select(c => c.Passed));
        Assert.All(publish.Checks, c => Assert.Equal(publish.Id, c.MaterializationId));
        Assert.Equal("clean-1", publish.CodeVersion);
        Assert.Contains(sut.Metadata.EventsOf(RunEventKind.CheckEvaluated), e => e.Message == "at_least_two_sales failed: only 1 sales");
    }

    [Fact]
    public async Task RunAsync_Context_CarriesPartitionBerlinWindowRunAttemptAndMetadata()
    {
        var sut = Create();
        var day = P("raw", "2026-03-29"); // Berlin moves to summer time that day: 23 hours
        sut.Probe.On("raw", (context, _) =>
        {
            context.AddMetadata("source_file", "orders/2026-03-29.csv");
            context.AddMetadata("lines", 42);
            return Task.CompletedTask;
        });

        await sut.RunAsync(day);

        var context = Assert.Single(sut.Probe.Contexts);
        Assert.Equal("raw", context.Asset.Value);
        Assert.Equal("2026-03-29", context.Partition!.Value.Value);
        Assert.Equal(sut.Run, context.RunId);
        Assert.Equal(1, context.Attempt);
        var window = context.TimeWindow!;
        Assert.Equal(Instant.FromUtc(2026, 3, 28, 23, 0), window.Interval.Start);
        Assert.Equal(Instant.FromUtc(2026, 3, 29, 22, 0), window.Interval.End);
        Assert.Equal(Duration.FromHours(23), window.Duration);
        var publish = Assert.Single(sut.Store.Publishes);
        Assert.Equal(window.Interval, publish.Interval);
        Assert.Equal("orders/2026-03-29.csv", publish.Metadata["source_file"]);
        Assert.Equal(42, publish.Metadata["lines"]);
        Assert.Throws<ArgumentException>(() => context.AddMetadata("when", DateTime.UnixEpoch));
    }

    [Fact]
    public async Task RunAsync_WindowMapping_GivesTheRowsOfEveryPartitionInTheWindowInOrder()
    {
        var sut = Create();
        foreach (var day in new[] { "2026-01-03", "2026-01-04", "2026-01-05" })
        {
            sut.Store.Seed(P("clean", day), [new Sale($"{day}-a", 1m), new Sale($"{day}-b", 2m)], $"v-{day}");
        }

        IReadOnlyList<Sale>? loaded = null;
        IReadOnlyList<PartitionKey?>? mapped = null;
        sut.Probe.On("rolling", async (context, ct) =>
        {
            mapped = context.GetUpstreamPartitions("clean");
            loaded = await context.LoadUpstreamAsync<Sale>(nameof(SalesProject.Clean), ct).ToListAsync(ct);
        });
        var rolling5 = P("rolling", "2026-01-05");

        var summary = await sut.RunAsync(rolling5);

        Assert.Equal(StepOutcome.Published, summary[rolling5].Outcome);
        Assert.Equal(["2026-01-03", "2026-01-04", "2026-01-05"], mapped!.Select(k => k!.Value.Value));
        string[] expected = ["2026-01-03-a", "2026-01-03-b", "2026-01-04-a", "2026-01-04-b", "2026-01-05-a", "2026-01-05-b"];
        Assert.Equal(expected, loaded!.Select(s => s.Id));
        var publish = Assert.Single(sut.Store.Publishes);
        Assert.Equal(expected, publish.Rows.Cast<Sale>().Select(s => s.Id));
        Assert.Equal(
            [("clean", "2026-01-03", "v-2026-01-03"), ("clean", "2026-01-04", "v-2026-01-04"), ("clean", "2026-01-05", "v-2026-01-05")],
            publish.Upstream.Select(u => (u.Asset.Value, u.Partition!.Value.Value, u.DataVersion)));
        Assert.Equal(6, summary[rolling5].Rows);
    }

    [Fact]
    public async Task RunAsync_Resources_ResolvesServicesAndBuildsInstanceClassesWithTheirDependencies()
    {
        var sut = Create();
        var stock = P("stock");
        var largest = P("largest");

        var summary = await sut.RunAsync(stock, largest);

        Assert.Equal(StepOutcome.Published, summary[stock].Outcome);
        Assert.Equal([new Sale("w-1", 5m)], sut.Store.PublishedRows(stock)!.Cast<Sale>());
        Assert.Equal([new Sale("w-1", 5m)], sut.Store.PublishedRows(largest)!.Cast<Sale>());
        Assert.Equal(1, summary[largest].Rows);
        Assert.Equal(2, sut.Services.ScopesCreated);
    }

    [Fact]
    public async Task RunAsync_ServiceParameter_ComesFromTheProviderOfTheRun()
    {
        var stub = new StubWarehouse();
        var sut = Create(configure: s => s.AddSingleton<IWarehouse>(stub));

        await sut.RunAsync(P("stock"));

        Assert.Equal([new Sale("stub", 9m)], sut.Store.PublishedRows(P("stock"))!.Cast<Sale>());
    }

    [Fact]
    public async Task RunAsync_MaterializeResult_WritesNoRowsAndPublishesItsDataVersionAndMetadata()
    {
        var sut = Create();
        var us = P("export", "us");

        var summary = await sut.RunAsync(us);

        Assert.Equal(StepOutcome.Published, summary[us].Outcome);
        Assert.Null(summary[us].Rows);
        Assert.DoesNotContain(sut.Store.CallsOf(us), c => c.Kind == "Write");
        var publish = Assert.Single(sut.Store.Publishes);
        Assert.Equal("snapshot-us", publish.DataVersion);
        Assert.Equal("snapshot-us", summary[us].DataVersion);
        Assert.Equal(1, publish.Metadata["rows"]);
        Assert.Equal("context", publish.Metadata["exported_by"]);
        Assert.Null(publish.Interval);
    }

    [Fact]
    public async Task RunAsync_RecordsRunAndStepEventsInOrder()
    {
        var sut = Create();
        var updates = new List<StepUpdate>();

        await sut.RunAsync(sut.Steps(Raw1), progress: new SynchronousProgress(updates));

        Assert.Equal(
            [RunEventKind.RunStarted, RunEventKind.StepStarted, RunEventKind.StepPublished, RunEventKind.RunCompleted],
            sut.Metadata.Events.Select(e => e.Kind));
        Assert.All(sut.Metadata.Events, e => Assert.Equal(sut.Run, e.RunId));
        Assert.Equal([StepPhase.Started, StepPhase.Finished], updates.Select(u => u.Phase));
        Assert.Equal(StepOutcome.Published, updates[^1].Result!.Outcome);
    }

    [Fact]
    public async Task RunAsync_InvalidSteps_ThrowBeforeRunningAnything()
    {
        var sut = Create();

        await Assert.ThrowsAsync<ArgumentException>(() => sut.RunAsync([new ExecutionStep(Clean1, [Raw1])]));
        await Assert.ThrowsAsync<ArgumentException>(() => sut.RunAsync([new ExecutionStep(Raw1, []), new ExecutionStep(Raw1, [])]));
        await Assert.ThrowsAsync<ArgumentException>(() => sut.RunAsync([new ExecutionStep(Raw1, [Clean1]), new ExecutionStep(Clean1, [Raw1])]));
        await Assert.ThrowsAsync<ArgumentException>(() => sut.RunAsync([new ExecutionStep(P("nope"), [])]));
        Assert.Empty(sut.Metadata.Events);
    }

    [Fact]
    public void ExecutionOptions_MaxParallelismBelowOne_IsRejected()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new ExecutionOptions { MaxParallelism = 0 });

    private sealed class StubWarehouse : IWarehouse
    {
        public IReadOnlyList<Sale> Stock() => [new Sale("stub", 9m)];
    }

    private sealed class SynchronousProgress(List<StepUpdate> updates) : IProgress<StepUpdate>
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
