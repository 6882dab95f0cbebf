using Assets.Graph;
using Assets.Metadata;
using Assets.Planning;
using Assets.Storage.Metadata;
using NodaTime;
using static Assets.Storage.Tests.Metadata.StatusGridPipelines;
using static Assets.Storage.Tests.Metadata.StoreFolder;

namespace Assets.Storage.Tests.Metadata;

/// <summary>
/// The status grid kept in the DuckDB store across processes: a new process (a new cache over the reopened file)
/// reads it while nothing changed, and no change (publish, failure, rollback, reconciliation, code version, a new
/// partition coming due, a late-data deadline passing) is ever hidden by it.
/// </summary>
public sealed class StatusGridSnapshotTests : OpenStoreTests
{
    private readonly AssetGraph _graph = new AssetGraphBuilder().AddTypes(typeof(Pipeline)).Build();

    public enum Change
    {
        Publish,
        Failure,
        Rollback,
        Reconciliation,
        CodeVersion,
        NewPartitionDue,
        LateDataDeadline,
    }

    [Fact]
    public async Task NothingChanged_ANewProcessReadsTheSnapshot_EqualToAFreshEvaluation_AtItsInstant()
    {
        await PublishAllAsync();
        var first = await new StatusGridCache().EvaluateAsync(_graph, Store, T0);
        await ReopenAsync();
        var later = T0 + Duration.FromHours(1);
        var cache = new StatusGridCache();

        var grid = await cache.EvaluateAsync(_graph, Store, later);

        Assert.Equal(1, cache.SnapshotHits);
        Assert.Equal(later, grid.AsOf);
        Assert.Equal(Rows(first), Rows(grid));
        Assert.Equal(Rows(await FreshAsync(_graph, later)), Rows(grid));

        // Then kept in memory: the next call needs neither the snapshot nor the rows.
        await cache.EvaluateAsync(_graph, Store, later);
        Assert.Equal((1, 1), (cache.SnapshotHits, cache.Hits));
    }

    [Fact]
    public async Task EveryStatusAndStoredField_SurvivesTheSnapshot()
    {
        await PublishAllAsync();
        await PublishAsync(Store, _graph, Daily("up", "2026-01-02"), "v2");
        await Store.SetStatesAsync([
            // Versions of lower-case hex digits are packed, others (upper case, odd length) kept as text; times go back and forth.
            new PartitionState(Daily("down", "2026-01-03"), PartitionStatus.Failed, "boom: näive ünïcode", MaterializationId.New(), "0123456789abcdef0123456789abcdef", "c1", 7, T0 - Duration.FromDays(400), T0 + Duration.FromTicks(3)),
            new PartitionState(Daily("down", "2026-01-04"), PartitionStatus.Quarantined, "check failed", null, null, null, null, null, T0 - Duration.FromTicks(1)),
            new PartitionState(Daily("up", "2026-01-01"), PartitionStatus.Running, null, MaterializationId.New(), "ABCD", "c1", 1, T0, T0),
            new PartitionState(Daily("up", "2026-01-03"), PartitionStatus.Failed, "boom", MaterializationId.New(), "abc", "c1", 2, T0 + Duration.FromDays(3), T0),
        ]);
        var fresh = await new StatusGridCache().EvaluateAsync(_graph, Store, T0);
        await ReopenAsync();
        var cache = new StatusGridCache();

        var grid = await cache.EvaluateAsync(_graph, Store, T0);

        Assert.Equal(1, cache.SnapshotHits);
        Assert.Equal(Rows(fresh), Rows(grid));
        Assert.Equal(
            [PartitionStatus.Running, PartitionStatus.Stale, PartitionStatus.Failed, PartitionStatus.Quarantined],
            [grid[Daily("up", "2026-01-01")].Status, grid[Daily("down", "2026-01-02")].Status, grid[Daily("down", "2026-01-03")].Status, grid[Daily("down", "2026-01-04")].Status]);
    }

    [Theory]
    [InlineData(Change.Publish)]
    [InlineData(Change.Failure)]
    [InlineData(Change.Rollback)]
    [InlineData(Change.Reconciliation)]
    [InlineData(Change.CodeVersion)]
    [InlineData(Change.NewPartitionDue)]
    [InlineData(Change.LateDataDeadline)]
    public async Task AChange_IsNeverHiddenByTheSnapshot_ANewProcessEvaluatesAfresh(Change change)
    {
        var graph = change == Change.LateDataDeadline ? new AssetGraphBuilder().AddTypes(typeof(ObservedPipeline)).Build() : _graph;
        var absent = Daily("up", "2026-01-04");
        await PublishAllAsync(graph, except: change == Change.LateDataDeadline ? absent : null);
        if (change == Change.LateDataDeadline)
        {
            // Its source, observed absent, is due at Jan 5, 12:00: waiting at T0, failed six hours later.
            await Store.RecordObservationsAsync([new ObservedSource(absent, false, null, "up/2026-01-04", T0)]);
        }

        var before = await new StatusGridCache().EvaluateAsync(graph, Store, T0);
        await ReopenAsync();
        var (afterGraph, afterInstant) = await ApplyAsync(change, graph);
        var cache = new StatusGridCache();

        var grid = await cache.EvaluateAsync(afterGraph, Store, afterInstant);

        Assert.Equal(0, cache.SnapshotHits);
        Assert.Equal(Rows(await FreshAsync(afterGraph, afterInstant)), Rows(grid));
        Assert.NotEqual(Rows(before), Rows(grid));

        // The fresh evaluation replaced the snapshot: the process after it reads the new grid.
        await ReopenAsync();
        var next = new StatusGridCache();
        Assert.Equal(Rows(grid), Rows(await next.EvaluateAsync(afterGraph, Store, afterInstant)));
        Assert.Equal(1, next.SnapshotHits);
    }

    [Fact]
    public async Task AWriteStillWaitingForItsGroupCommit_IsNotHiddenByTheSnapshot()
    {
        await PublishAllAsync();
        await new StatusGridCache().EvaluateAsync(_graph, Store, T0);
        var path = Store.Path;
        await Store.DisposeAsync();
        Store = await DuckDbMetadataStore.OpenAsync(path, Clock, new MetadataStoreOptions { IndexWriteDelay = Duration.FromHours(1) });
        var failed = (await Store.GetStateAsync(Daily("down", "2026-01-03")))!;
        await Store.SetStatesAsync([failed with { Status = PartitionStatus.Failed, Cause = "boom", UpdatedAt = T0 + Duration.FromMinutes(1) }]);
        Assert.Equal(1, Store.PendingWriteCount);
        var cache = new StatusGridCache();

        var grid = await cache.EvaluateAsync(_graph, Store, T0);

        Assert.Equal(0, cache.SnapshotHits);
        Assert.Equal(PartitionStatus.Failed, grid[Daily("down", "2026-01-03")].Status);
        Assert.Equal(Rows(await FreshAsync(_graph, T0)), Rows(grid));
    }

    [Fact]
    public async Task WritesThatCannotChangeAStatus_KeepTheSnapshot()
    {
        await PublishAllAsync();
        var before = await new StatusGridCache().EvaluateAsync(_graph, Store, T0);
        var generation = Store.StatusGeneration;
        var day = Daily("down", "2026-01-02");
        var run = RunId.New();
        await Store.AppendEventsAsync([new RunEvent(run, T0, RunEventKind.StepPublished, day, 1, null)]);
        await Store.RecordCheckResultsAsync([new CheckRecord(day, (await Store.GetStateAsync(day))!.MaterializationId!.Value, "rows", true, true, null, T0)]);
        Assert.True(await Store.TryAcquireLeaseAsync(day, run, T0, Duration.FromMinutes(5)));
        await Store.ReleaseLeaseAsync(day, run);
        await Store.SetReconciledThroughAsync("/roots/one", T0);
        await Store.SetAutomationCursorAsync(AssetKey.Parse("down"), T0);

        // Reconciling with pointers that say what the store says changes no row.
        await Store.ReplacePublishedStatesAsync([.. (await Store.GetStatesAsync())]);
        await ReopenAsync();
        var cache = new StatusGridCache();

        var grid = await cache.EvaluateAsync(_graph, Store, T0);

        Assert.Equal(generation, Store.StatusGeneration);
        Assert.Equal(1, cache.SnapshotHits);
        Assert.Equal(Rows(before), Rows(grid));
    }

    [Fact]
    public async Task ACopyOfTheFileRestoredFromABackup_NeverTakesTheSnapshotWrittenAfterTheBackup()
    {
        await PublishAllAsync();
        await new StatusGridCache().EvaluateAsync(_graph, Store, T0);
        var path = Store.Path;
        await Store.DisposeAsync();
        var backup = path + ".backup";
        File.Copy(path, backup);

        // After the backup: up Jan 2 republished (in one group commit), and the grid of that kept beside the file.
        var grouped = new MetadataStoreOptions { IndexWriteDelay = Duration.FromHours(1) };
        Store = await DuckDbMetadataStore.OpenAsync(path, Clock, grouped);
        await PublishAsync(Store, _graph, Daily("up", "2026-01-02"), "v2");
        await Store.FlushAsync();
        var republished = await new StatusGridCache().EvaluateAsync(_graph, Store, T0);
        var generation = Store.StatusGeneration;
        await Store.DisposeAsync();

        // The backup comes back and takes another write: the same file id and generation, other contents. (A closed
        // store has no write-ahead log left; none must be replayed over the copy.)
        Assert.False(File.Exists(path + ".wal"));
        File.Copy(backup, path, overwrite: true);
        Store = await DuckDbMetadataStore.OpenAsync(path, Clock, grouped);
        await PublishAsync(Store, _graph, Daily("up", "2026-01-03"), "v3");
        await Store.FlushAsync();
        Assert.Equal(generation, Store.StatusGeneration);
        var cache = new StatusGridCache();

        var grid = await cache.EvaluateAsync(_graph, Store, T0);

        Assert.Equal(0, cache.SnapshotHits);
        Assert.Equal(Rows(await FreshAsync(_graph, T0)), Rows(grid));
        Assert.NotEqual(Rows(republished), Rows(grid));
        Assert.Equal(PartitionStatus.Stale, grid[Daily("down", "2026-01-03")].Status);
    }

    [Fact]
    public async Task ATornSnapshotFile_IsNotRead_TheGridIsEvaluatedAfresh()
    {
        await PublishAllAsync();
        await new StatusGridCache().EvaluateAsync(_graph, Store, T0);
        var snapshot = Store.SnapshotPath!;
        var bytes = await File.ReadAllBytesAsync(snapshot);
        await File.WriteAllBytesAsync(snapshot, bytes[..(bytes.Length / 2)]);
        await ReopenAsync();
        var cache = new StatusGridCache();

        var grid = await cache.EvaluateAsync(_graph, Store, T0);

        Assert.Equal(0, cache.SnapshotHits);
        Assert.Equal(Rows(await FreshAsync(_graph, T0)), Rows(grid));
    }

    private async Task<(AssetGraph Graph, Instant AsOf)> ApplyAsync(Change change, AssetGraph graph)
    {
        var day = Daily("up", "2026-01-02");
        switch (change)
        {
            case Change.Publish:
                await PublishAsync(Store, graph, day, "v2");
                break;
            case Change.Failure:
                var failed = (await Store.GetStateAsync(Daily("down", "2026-01-03")))!;
                await Store.SetStatesAsync([failed with { Status = PartitionStatus.Failed, Cause = "boom", UpdatedAt = T0 + Duration.FromMinutes(1) }]);
                break;
            case Change.Rollback:
                // Re-pointed at an earlier materialization: its version, a higher sequence.
                var current = (await Store.GetStateAsync(day))!;
                await Store.SetStatesAsync([current with { MaterializationId = MaterializationId.New(), DataVersion = "v0", Sequence = 2, UpdatedAt = T0 + Duration.FromMinutes(1) }]);
                break;
            case Change.Reconciliation:
                var states = await Store.GetStatesAsync();
                await Store.ReplacePublishedStatesAsync([.. states.Where(s => s.Partition != day)]);
                break;
            case Change.CodeVersion:
                return (new AssetGraphBuilder().AddTypes(typeof(ChangedPipeline)).Build(), T0);
            case Change.NewPartitionDue:
                return (graph, T0 + Duration.FromDays(1));
            case Change.LateDataDeadline:
                return (graph, T0 + Duration.FromHours(6));
        }

        return (graph, T0);
    }

    private async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = await OpenAsync();
    }

    private static List<PartitionStatusRow> Rows(StatusGrid grid) => [.. grid.Rows];

    private async Task<StatusGrid> FreshAsync(AssetGraph graph, Instant asOf)
        => StatusEvaluator.Evaluate(graph, await Store.GetStatesAsync(), await Store.GetRecordedUpstreamAsync(), asOf, await Store.GetObservationsAsync());

    private Task PublishAllAsync() => PublishAllAsync(_graph);

    private async Task PublishAllAsync(AssetGraph graph, AssetPartition? except = null)
    {
        foreach (var asset in graph.Assets)
        {
            foreach (var key in asset.Partitions!.GetKeys(T0))
            {
                if (new AssetPartition(asset.Key, key) == except)
                {
                    continue;
                }

                await PublishAsync(Store, graph, new AssetPartition(asset.Key, key), "v1");
            }
        }
    }
}
