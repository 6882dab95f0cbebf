using Assets.Execution;
using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Storage.Maintenance;
using Assets.Storage.Metadata;
using Assets.Storage.Objects.Local;
using Assets.Storage.Publishing;
using ExampleAssets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Assets.EndToEnd.Tests;

/// <summary>The example's real asset bodies through the real executor into a real local root.</summary>
public sealed class ExampleRunTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "assets-example-" + Guid.NewGuid().ToString("N"));
    private DuckDbMetadataStore _metadata = null!;
    private ServiceProvider _services = null!;
    private AssetGraph _graph = null!;
    private LocalObjectStore _store = null!;

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddOptions<ExampleOptions>().Configure(o => o.SourceDir = Path.Combine(ExampleProgram.RepositoryRoot(), "example-assets", "source"));
        _services = services.BuildServiceProvider();
        _graph = new AssetGraphBuilder()
            .AddAssembly(typeof(SalesAssets).Assembly)
            .UseServices(_services.GetRequiredService<IServiceProviderIsService>().IsService)
            .Build();
        _store = new LocalObjectStore(_root);
        _metadata = await DuckDbMetadataStore.OpenAsync(Path.Combine(_root, "_meta", "assets.duckdb"));
    }

    public async Task DisposeAsync()
    {
        await _metadata.DisposeAsync();
        await _services.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static AssetPartition Day(string asset, int day) => new(AssetKey.Parse(asset), new PartitionKey($"2026-01-{day:D2}"));

    private Task<RunSummary> RunAsync(IReadOnlyList<ExecutionStep> steps, ExecutionOptions? options = null, IProgress<StepUpdate>? progress = null, RunId? run = null)
    {
        var store = new StorageMaterializationStore(_store, _metadata, SystemClock.Instance);
        var executor = new AssetExecutor(_graph, store, _metadata, _services, SystemClock.Instance, NullLoggerFactory.Instance, options ?? new ExecutionOptions { MaxParallelism = 2 });
        return executor.RunAsync(steps, run ?? RunId.New(), progress);
    }

    [Fact]
    public async Task TheFirstWeek_RawCleanAndTheRollingWindow_PublishAndReadBack()
    {
        var steps = new List<ExecutionStep>();
        for (var day = 1; day <= 7; day++)
        {
            steps.Add(new ExecutionStep(Day("raw_orders", day), []));
            steps.Add(new ExecutionStep(Day("clean_orders", day), [Day("raw_orders", day)]));
        }

        steps.Add(new ExecutionStep(Day("rolling_revenue", 7), Enumerable.Range(1, 7).Select(d => Day("clean_orders", d)).ToArray()));
        steps.Add(new ExecutionStep(Day("rolling_revenue", 3), Enumerable.Range(1, 3).Select(d => Day("clean_orders", d)).ToArray()));

        var summary = await RunAsync(steps);

        Assert.True(summary.Outcome == RunOutcome.Completed, summary.Describe() + "\n" + string.Join("\n", summary.Steps.Where(s => s.Outcome != StepOutcome.Published).Select(s => $"{s.Partition}: {s.Outcome} {s.Cause}")));
        Assert.Equal(16, summary.Published);
        var reader = new PartitionReader(_store);
        var raw = await reader.ReadAsync<RawOrder>(Day("raw_orders", 5)).CountAsync();
        var clean = await reader.ReadAsync<Order>(Day("clean_orders", 5)).ToListAsync();
        Assert.InRange(clean.Count, 1, raw - 4);
        Assert.All(clean, o => Assert.True(o.Amount >= 0));
        Assert.Equal(clean.Count, clean.Select(o => o.OrderId).Distinct().Count());
        var rolling = await reader.ReadAsync<DailyRevenue>(Day("rolling_revenue", 7)).ToListAsync();
        Assert.NotEmpty(rolling);
        Assert.Equal(PartitionStatus.Published, (await _metadata.GetStateAsync(Day("rolling_revenue", 7)))!.Status);
        var recorded = await _metadata.GetRecordedUpstreamAsync([AssetKey.Parse("rolling_revenue")]);
        Assert.Equal(7, recorded[Day("rolling_revenue", 7)].Count);
        Assert.Equal(3, recorded[Day("rolling_revenue", 3)].Count);
        Assert.True((await new RootVerifier(_store).VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task ARunOfAPartitionAnotherRunHolds_WithoutALeaseWait_IsRefusedAtOnceAndPublishesNothing()
    {
        var day = Day("raw_orders", 9);
        var other = RunId.New();
        Assert.True(await _metadata.TryAcquireLeaseAsync(day, other, SystemClock.Instance.GetCurrentInstant(), Duration.FromMinutes(10)));

        var refused = Assert.Single((await RunAsync([new ExecutionStep(day, [])], new ExecutionOptions { LeaseWait = Duration.Zero })).Steps);

        Assert.Equal(StepOutcome.Failed, refused.Outcome);
        Assert.Contains($"raw_orders[2026-01-09] is being materialized by run {other}", refused.Cause, StringComparison.Ordinal);
        Assert.Null((await PublishedPartitions.ReadPointerAsync(_store, day)).Current);
        Assert.Equal(1, refused.Attempts);

        await _metadata.ReleaseLeaseAsync(day, other);
        Assert.Equal(StepOutcome.Published, Assert.Single((await RunAsync([new ExecutionStep(day, [])])).Steps).Outcome);
    }

    [Fact]
    public async Task AByteFlippedInAnUpstreamFile_FailsTheDownstreamStepOnceAndPublishesNothingFromIt()
    {
        var raw = Day("raw_orders", 9);
        var clean = Day("clean_orders", 9);
        await RunAsync([new ExecutionStep(raw, []), new ExecutionStep(clean, [raw])]);
        var before = (await PublishedPartitions.ReadPointerAsync(_store, clean)).Current;
        var file = (await PublishedPartitions.ReadCurrentManifestAsync(_store, raw))!.Files[0];
        var bytes = await File.ReadAllBytesAsync(Path.Combine(_root, file.Path));
        bytes[20_000] ^= 0x01;
        await File.WriteAllBytesAsync(Path.Combine(_root, file.Path), bytes);

        var failed = Assert.Single((await RunAsync([new ExecutionStep(clean, [])])).Steps);

        Assert.Equal((StepOutcome.Failed, 1), (failed.Outcome, failed.Attempts));
        Assert.Contains($"raw_orders[2026-01-09]: the data file {file.Path} does not match its manifest", failed.Cause, StringComparison.Ordinal);
        Assert.Equal(before, (await PublishedPartitions.ReadPointerAsync(_store, clean)).Current);
    }

    [Fact]
    public async Task TheSameDayTwice_PublishesTheSameDataVersion()
    {
        var first = await RunAsync([new ExecutionStep(Day("raw_orders", 2), [])]);
        var second = await RunAsync([new ExecutionStep(Day("raw_orders", 2), [])]);

        Assert.Equal(1, first.Published);
        Assert.Equal(first.Steps[0].DataVersion, second.Steps[0].DataVersion);
        Assert.NotEqual(first.Steps[0].MaterializationId, second.Steps[0].MaterializationId);
    }

    [Fact]
    public async Task AStepWhosePartitionAnotherRunHolds_WaitsSayingForWhom_ThenRunsOnceItIsFree()
    {
        var day = Day("raw_orders", 10);
        var other = RunId.New();
        Assert.True(await _metadata.TryAcquireLeaseAsync(day, other, SystemClock.Instance.GetCurrentInstant(), Duration.FromMinutes(10)));
        var waiting = new TaskCompletionSource<StepUpdate>(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new SynchronousProgressForTests(u => { if (u.Phase == StepPhase.WaitingForLease) { waiting.TrySetResult(u); } });
        var run = RunId.New();

        var running = RunAsync([new ExecutionStep(day, [])], new ExecutionOptions { LeaseWait = Duration.FromMinutes(1), StillNeededAfterLeaseWait = (_, _) => Task.FromResult(true) }, progress, run);
        var update = await waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await _metadata.ReleaseLeaseAsync(day, other);
        var result = Assert.Single((await running).Steps);

        Assert.Equal($"waiting for run {other}, which is materializing it (at most 1m)", update.Message);
        Assert.Equal((StepOutcome.Published, 1), (result.Outcome, result.Attempts));
        Assert.NotNull(result.MaterializationId);
        var events = await _metadata.GetEventsAsync(run);
        Assert.Contains(events, e => e.Kind == RunEventKind.StepWaitingForLease && e.Message == update.Message);
    }

    [Fact]
    public async Task AStepThatWaitedForAnotherRun_WhichPublishedWhatWasAsked_IsDoneWithoutRunning()
    {
        var day = Day("raw_orders", 11);
        var other = RunId.New();
        Assert.True(await _metadata.TryAcquireLeaseAsync(day, other, SystemClock.Instance.GetCurrentInstant(), Duration.FromMinutes(10)));
        var asked = 0;
        var options = new ExecutionOptions { LeaseWait = Duration.FromMinutes(1), StillNeededAfterLeaseWait = (_, _) => Task.FromResult(Interlocked.Increment(ref asked) == 0) };

        var running = RunAsync([new ExecutionStep(day, [])], options);
        await Task.Delay(500);
        await _metadata.ReleaseLeaseAsync(day, other);
        var result = Assert.Single((await running).Steps);

        Assert.Equal(1, asked);
        Assert.Equal((StepOutcome.Published, (MaterializationId?)null), (result.Outcome, result.MaterializationId));
        Assert.Equal($"run {other} published it while this run waited for its lease; nothing left to do", result.Cause);
        Assert.Null((await PublishedPartitions.ReadPointerAsync(_store, day)).Current);
    }

    [Fact]
    public async Task AStepWhosePartitionAnotherRunPublishedAfterThePlan_AsksThePlanAgain_AndIsDoneWithoutRunning()
    {
        // Two runs planned at once (two terminals): the other one published the partition first, without any lease wait.
        var day = Day("raw_orders", 13);
        var planned = SystemClock.Instance.GetCurrentInstant() - Duration.FromSeconds(1);
        var other = await RunAsync([new ExecutionStep(day, [])]);
        var before = (await PublishedPartitions.ReadPointerAsync(_store, day)).Current;
        var asked = 0;
        var options = new ExecutionOptions { PlannedAt = planned, StillNeededAfterLeaseWait = (_, _) => Task.FromResult(Interlocked.Increment(ref asked) == 0) };

        var result = Assert.Single((await RunAsync([new ExecutionStep(day, [])], options)).Steps);

        Assert.Equal(1, other.Published);
        Assert.Equal(1, asked);
        Assert.Equal((StepOutcome.Published, (MaterializationId?)null), (result.Outcome, result.MaterializationId));
        Assert.Equal("another run published it after this run was planned; nothing left to do", result.Cause);
        Assert.Equal(before, (await PublishedPartitions.ReadPointerAsync(_store, day)).Current);
        Assert.Equal(PartitionStatus.Published, (await _metadata.GetStateAsync(day))?.Status);
    }

    [Fact]
    public async Task AStepWhosePartitionADeadProcessPublishedWithoutRecord_RecordsThatPublish_AsksThePlanAgain_AndIsDoneWithoutRunning()
    {
        // A process swapped the pointer and died before the store recorded it: the store still says running, version none.
        var day = Day("raw_orders", 15);
        Assert.Equal(1, (await RunAsync([new ExecutionStep(day, [])])).Published);
        var pointer = (await PublishedPartitions.ReadPointerAsync(_store, day)).Current!;
        var now = SystemClock.Instance.GetCurrentInstant();
        await _metadata.SetStatesAsync([new PartitionState(day, PartitionStatus.Running, null, null, null, null, null, null, now)]);
        var asked = 0;
        var options = new ExecutionOptions { PlannedAt = now, StillNeededAfterLeaseWait = (_, _) => Task.FromResult(Interlocked.Increment(ref asked) == 0) };

        var run = RunId.New();
        var result = Assert.Single((await RunAsync([new ExecutionStep(day, [])], options, run: run)).Steps);

        Assert.Equal(1, asked);
        Assert.Equal((StepOutcome.Published, (MaterializationId?)null), (result.Outcome, result.MaterializationId));
        Assert.Equal(pointer, (await PublishedPartitions.ReadPointerAsync(_store, day)).Current);
        var state = await _metadata.GetStateAsync(day);
        Assert.Equal((PartitionStatus.Published, pointer.MaterializationId, 1L), (state?.Status, state?.MaterializationId, state?.Sequence ?? 0));
        var recorded = Assert.Single(await _metadata.GetEventsAsync(run), e => e.Kind == RunEventKind.Reconciled);
        Assert.Equal(day, recorded.Partition);
        Assert.StartsWith($"recorded the publish of {pointer.MaterializationId} by run ", recorded.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStepWhosePartitionWasPublishedBeforeThePlan_RunsWithoutAskingAgain()
    {
        var day = Day("raw_orders", 14);
        Assert.Equal(1, (await RunAsync([new ExecutionStep(day, [])])).Published);
        var asked = 0;
        var options = new ExecutionOptions { PlannedAt = SystemClock.Instance.GetCurrentInstant(), StillNeededAfterLeaseWait = (_, _) => Task.FromResult(Interlocked.Increment(ref asked) == 0) };

        var result = Assert.Single((await RunAsync([new ExecutionStep(day, [])], options)).Steps);

        Assert.Equal(0, asked);
        Assert.Equal(StepOutcome.Published, result.Outcome);
        Assert.NotNull(result.MaterializationId);
    }

    [Fact]
    public async Task AStepWaitingForALeaseThatIsNeverReleased_FailsAfterTheWait_NamingTheHolder_AndLeavesItsState()
    {
        var day = Day("raw_orders", 12);
        var other = RunId.New();
        Assert.True(await _metadata.TryAcquireLeaseAsync(day, other, SystemClock.Instance.GetCurrentInstant(), Duration.FromMinutes(10)));

        var result = Assert.Single((await RunAsync([new ExecutionStep(day, [])], new ExecutionOptions { LeaseWait = Duration.FromSeconds(1) })).Steps);

        Assert.Equal(StepOutcome.Failed, result.Outcome);
        Assert.Equal(
            $"raw_orders[2026-01-12] is still being materialized by run {other} after waiting 1s for it: run this again once that run has finished "
            + "(status shows the partition running until then), or allow a longer wait with Assets:Execution:LeaseWait.",
            result.Cause);
        Assert.Null(await _metadata.GetStateAsync(day));
    }

    private sealed class SynchronousProgressForTests(Action<StepUpdate> report) : IProgress<StepUpdate>
    {
        public void Report(StepUpdate value) => report(value);
    }
}
