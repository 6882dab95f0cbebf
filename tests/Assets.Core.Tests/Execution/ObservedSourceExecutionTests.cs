using System.Collections.Concurrent;
using Assets.Core.Tests.Execution.Fixtures;
using Assets.Execution;
using Assets.Graph;
using Assets.Partitions;
using Assets.Planning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Assets.Core.Tests.Execution;

/// <summary>What the observer of the fixture's feed sees, and how often the feed's body ran.</summary>
public sealed class FeedFiles
{
    private int _bodyCalls;

    public ConcurrentDictionary<string, string> Versions { get; } = new();

    public int BodyCalls => Volatile.Read(ref _bodyCalls);

    public void BodyCalled() => Interlocked.Increment(ref _bodyCalls);
}

public static class ObservedFeedProject
{
    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-01-10")]
    public static IEnumerable<Sale> Feed(AssetContext context, FeedFiles files)
    {
        files.BodyCalled();
        return [new Sale(context.Partition!.Value.Value, 1m)];
    }

    [SourceObserver(nameof(Feed), LateAfter = "6h")]
    public static SourceObservation FeedFile(SourceContext context, FeedFiles files)
        => files.Versions.TryGetValue(context.PartitionKey!.Value.Value, out var version)
            ? SourceObservation.Present(version, $"feed/{context.PartitionKey}.csv")
            : SourceObservation.Absent($"feed/{context.PartitionKey}.csv");
}

/// <summary>The executor observes an observed asset's source before its body: absent, the body never runs.</summary>
public sealed class ObservedSourceExecutionTests
{
    private static readonly AssetPartition Day = new(AssetKey.Parse("feed"), new PartitionKey("2026-01-03"));

    private readonly FeedFiles _files = new();
    private readonly FakeMaterializationStore _store = new();

    private Task<RunSummary> RunAsync(Instant now)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton(_files);
        var graph = new AssetGraphBuilder().AddTypes(typeof(ObservedFeedProject)).UseServices(t => t == typeof(FeedFiles)).Build();
        var executor = new AssetExecutor(graph, _store, new FakeMetadataStore(), new TestServices(collection), new FixedClock(now), NullLoggerFactory.Instance, new ExecutionOptions());
        return executor.RunAsync([new ExecutionStep(Day, [])], RunId.New());
    }

    [Fact]
    public async Task APresentSource_IsRecordedWithTheMaterialization()
    {
        _files.Versions["2026-01-03"] = "v1";

        var summary = await RunAsync(Instant.FromUtc(2026, 1, 4, 3, 0));

        Assert.Equal(StepOutcome.Published, summary[Day].Outcome);
        Assert.Contains(StatusEvaluator.SourceVersionEntry(Day, "v1"), Assert.Single(_store.Publishes).Upstream);
        Assert.Equal(1, _files.BodyCalls);
    }

    [Fact]
    public async Task AnAbsentSource_WaitsWithoutCallingTheBody_UntilItsDeadline()
    {
        // 2026-01-03 (UTC) ends at 2026-01-04T00:00Z; late after 6h.
        var waiting = await RunAsync(Instant.FromUtc(2026, 1, 4, 5, 59));

        Assert.Equal(StepOutcome.Waiting, waiting[Day].Outcome);
        Assert.Equal("The source has not arrived yet: feed/2026-01-03.csv.", waiting[Day].Cause);
        Assert.Equal(0, _files.BodyCalls);
        Assert.Empty(_store.Publishes);
    }

    [Fact]
    public async Task AnAbsentSource_PastItsDeadline_Fails()
    {
        var failed = await RunAsync(Instant.FromUtc(2026, 1, 4, 6, 0));

        Assert.Equal(StepOutcome.Failed, failed[Day].Outcome);
        Assert.Equal("source not arrived by 2026-01-04T06:00:00Z: feed/2026-01-03.csv", failed[Day].Cause);
        Assert.Equal(0, _files.BodyCalls);
        Assert.Empty(_store.Publishes);
    }
}
