using Assets.Automation;
using Assets.Backfills;
using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Planning;
using Assets.Sources;
using Assets.Storage.Metadata.Postgres;
using Assets.Storage.Metadata;
using Assets.Storage.Tests.Postgres;
using NodaTime;
using static Assets.Storage.Tests.Metadata.StatusGridPipelines;
using static Assets.Storage.Tests.Metadata.StoreFolder;

namespace Assets.Storage.Tests.Metadata;

/// <summary>The pipelines the status grid cache tests evaluate.</summary>
public static class StatusGridPipelines
{
    /// <summary>A row type the assets return.</summary>
    public sealed record Row(int X);

    /// <summary>Open-ended daily partitions: at <see cref="StoreFolder.T0"/> (Jan 5, 06:00) Jan 1 to Jan 4 exist.</summary>
    public static class Pipeline
    {
        [Asset(CodeVersion = "c1")]
        [DailyPartitions("2026-01-01")]
        public static IEnumerable<Row> Up() => [];

        [Asset(CodeVersion = "c1")]
        [DailyPartitions("2026-01-01")]
        public static IEnumerable<Row> Down([From("up")] IEnumerable<Row> up) => [];
    }

    /// <summary>The same pipeline after the downstream method changed.</summary>
    public static class ChangedPipeline
    {
        [Asset(CodeVersion = "c1")]
        [DailyPartitions("2026-01-01")]
        public static IEnumerable<Row> Up() => [];

        [Asset(CodeVersion = "c2")]
        [DailyPartitions("2026-01-01")]
        public static IEnumerable<Row> Down([From("up")] IEnumerable<Row> up) => [];
    }

    /// <summary>An upstream whose source is observed, late after 12 hours.</summary>
    public static class ObservedPipeline
    {
        [Asset(CodeVersion = "c1")]
        [DailyPartitions("2026-01-01")]
        public static IEnumerable<Row> Up() => [];

        [SourceObserver("up", LateAfter = "12h")]
        public static SourceObservation UpFile(SourceContext context) => SourceObservation.Absent($"up/{context.PartitionKey}");
    }
}

/// <summary>
/// The status grid cache against each metadata store: reused only while the store's contents, the graph's code
/// versions and the existing partitions are unchanged, and then equal to a fresh evaluation.
/// </summary>
public abstract class StatusGridCacheContract<TStore>(IStoreUnderTest<TStore> underTest) : OpenStoreTests<TStore>(underTest)
    where TStore : class, IMetadataStore, IBackfillStore, IAutomationCursorStore, ISourceObservationStore
{
    private readonly AssetGraph _graph = new AssetGraphBuilder().AddTypes(typeof(Pipeline)).Build();
    private readonly StatusGridCache _cache = new();

    [Fact]
    public async Task NothingChanged_ReusesTheGrid_EqualToAFreshEvaluation_AtTheNewInstant()
    {
        await PublishAllAsync(T0);
        var first = await _cache.EvaluateAsync(_graph, Store, T0);
        var later = T0 + Duration.FromHours(1);

        var second = await _cache.EvaluateAsync(_graph, Store, later);

        Assert.Equal(1, _cache.Hits);
        Assert.Equal(later, second.AsOf);
        Assert.Equal(Rows(first), Rows(second));
        Assert.Equal(Rows(await FreshAsync(_graph, later)), Rows(second));
        Assert.All(second.Rows, row => Assert.Equal(PartitionStatus.Published, row.Status));
    }

    [Fact]
    public async Task OneUpstreamPartitionRepublished_Reevaluates_AndOnlyItsDownstreamIsStale()
    {
        await PublishAllAsync(T0);
        await _cache.EvaluateAsync(_graph, Store, T0);

        await PublishAsync(Store, _graph, Daily("up", "2026-01-02"), "v2");
        var grid = await _cache.EvaluateAsync(_graph, Store, T0);

        Assert.Equal(0, _cache.Hits);
        Assert.Equal(Rows(await FreshAsync(_graph, T0)), Rows(grid));
        Assert.Equal([Daily("down", "2026-01-02")], grid.Rows.Where(r => r.Status == PartitionStatus.Stale).Select(r => r.Partition));
    }

    [Fact]
    public async Task CodeVersionChanged_Reevaluates_AndMarksTheAssetStale()
    {
        await PublishAllAsync(T0);
        await _cache.EvaluateAsync(_graph, Store, T0);
        var changed = new AssetGraphBuilder().AddTypes(typeof(ChangedPipeline)).Build();

        var grid = await _cache.EvaluateAsync(changed, Store, T0);

        Assert.Equal(0, _cache.Hits);
        Assert.Equal(Rows(await FreshAsync(changed, T0)), Rows(grid));
        Assert.All(grid.RowsOf(AssetKey.Parse("down")), row => Assert.Equal(PartitionStatus.Stale, row.Status));
        Assert.All(grid.RowsOf(AssetKey.Parse("up")), row => Assert.Equal(PartitionStatus.Published, row.Status));
    }

    [Fact]
    public async Task ANewPartitionBecameDue_Reevaluates_AndItIsMissing()
    {
        await PublishAllAsync(T0);
        await _cache.EvaluateAsync(_graph, Store, T0);
        var nextDay = T0 + Duration.FromDays(1);

        var grid = await _cache.EvaluateAsync(_graph, Store, nextDay);

        Assert.Equal(0, _cache.Hits);
        Assert.Equal(Rows(await FreshAsync(_graph, nextDay)), Rows(grid));
        Assert.Equal(PartitionStatus.Missing, grid[Daily("up", "2026-01-05")].Status);
        Assert.Equal(PartitionStatus.Missing, grid[Daily("down", "2026-01-05")].Status);
    }

    [Fact]
    public async Task ALateDataDeadlinePassing_Reevaluates_AndTheWaitingPartitionFails()
    {
        // At T0 (Jan 5, 06:00 UTC) January 4 has ended; its source, observed absent, is due at Jan 5, 12:00.
        var observed = new AssetGraphBuilder().AddTypes(typeof(ObservedPipeline)).Build();
        var day = Daily("up", "2026-01-04");
        await Store.RecordObservationsAsync([new ObservedSource(day, false, null, "up/2026-01-04", T0)]);

        var before = await _cache.EvaluateAsync(observed, Store, T0);
        var stillBefore = await _cache.EvaluateAsync(observed, Store, T0 + Duration.FromHours(5));
        var after = await _cache.EvaluateAsync(observed, Store, T0 + Duration.FromHours(6));

        Assert.Equal(PartitionStatus.Waiting, before[day].Status);
        Assert.Equal(PartitionStatus.Waiting, stillBefore[day].Status);
        Assert.Equal(1, _cache.Hits);
        Assert.Equal(PartitionStatus.Failed, after[day].Status);
        Assert.Equal("source not arrived by 2026-01-05T12:00:00Z: up/2026-01-04", after[day].Cause);
    }

    [Fact]
    public async Task Reconciled_Reevaluates_AndAVanishedPointerIsMissing()
    {
        await PublishAllAsync(T0);
        var before = await _cache.EvaluateAsync(_graph, Store, T0);
        var vanished = Daily("up", "2026-01-03");

        await Store.ReplacePublishedStatesAsync([.. before.Rows.Where(r => r.Partition != vanished).Select(r => r.Stored!)]);
        var grid = await _cache.EvaluateAsync(_graph, Store, T0);

        Assert.Equal(0, _cache.Hits);
        Assert.Equal(Rows(await FreshAsync(_graph, T0)), Rows(grid));
        Assert.Equal(PartitionStatus.Missing, grid[vanished].Status);
        Assert.Equal(PartitionStatus.Stale, grid[Daily("down", "2026-01-03")].Status);
    }

    [Fact]
    public async Task Fingerprint_IsStableAcrossReadsAndReopening_AndChangesWithAnyStateWrite()
    {
        await PublishAllAsync(T0);
        var fingerprint = await Store.GetStatusFingerprintAsync();
        await Store.GetStatesAsync();
        Assert.Equal(fingerprint, await Store.GetStatusFingerprintAsync());

        await Store.DisposeAsync();
        Store = await OpenAsync();
        Assert.Equal(fingerprint, await Store.GetStatusFingerprintAsync());

        // Only the update time differs: still a write the grid could depend on, so the fingerprint moves.
        var state = (await Store.GetStateAsync(Daily("up", "2026-01-01")))!;
        await Store.SetStatesAsync([state with { UpdatedAt = state.UpdatedAt + Duration.FromSeconds(1) }]);
        Assert.NotEqual(fingerprint, await Store.GetStatusFingerprintAsync());
    }

    private static List<PartitionStatusRow> Rows(StatusGrid grid) => [.. grid.Rows];

    private async Task<StatusGrid> FreshAsync(AssetGraph graph, Instant asOf)
        => StatusEvaluator.Evaluate(graph, await Store.GetStatesAsync(), await Store.GetRecordedUpstreamAsync(), asOf);

    private async Task PublishAllAsync(Instant asOf)
    {
        foreach (var asset in _graph.Assets)
        {
            foreach (var key in asset.Partitions!.GetKeys(asOf))
            {
                await PublishAsync(Store, _graph, new AssetPartition(asset.Key, key), "v1");
            }
        }
    }

}

public sealed class DuckDbStatusGridCacheTests() : StatusGridCacheContract<DuckDbMetadataStore>(new DuckDbStoreUnderTest());

[Collection(PostgresTests.Name)]
public sealed class PostgresStatusGridCacheTests(PostgresCluster cluster) : StatusGridCacheContract<PostgresMetadataStore>(new PostgresStoreUnderTest(cluster));
