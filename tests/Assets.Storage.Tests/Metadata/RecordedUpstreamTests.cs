using Assets.Automation;
using Assets.Backfills;
using Assets.Graph;
using Assets.Metadata;
using Assets.Sources;
using Assets.Storage.Metadata.Postgres;
using Assets.Storage.Metadata;
using Assets.Storage.Tests.Postgres;
using static Assets.Storage.Tests.Metadata.StoreFolder;

namespace Assets.Storage.Tests.Metadata;

public abstract class RecordedUpstreamContract<TStore>(IStoreUnderTest<TStore> underTest) : OpenStoreTests<TStore>(underTest)
    where TStore : class, IMetadataStore, IBackfillStore, IAutomationCursorStore, ISourceObservationStore
{
    private async Task<MaterializationId> PublishAsync(AssetPartition partition, params UpstreamVersion[] upstream)
    {
        var id = MaterializationId.New();
        await Store.RecordMaterializationAsync(new MaterializationRecord(partition, id, RunId.New(), "dv", "1", 1, 1, "m", upstream, T0, T0, 1));
        await Store.SetStatesAsync([Published(partition) with { MaterializationId = id }]);
        return id;
    }

    [Fact]
    public async Task GetRecordedUpstream_ReturnsWhatEachCurrentMaterializationRead_InOrder()
    {
        var day3 = Daily("rolling", "2026-01-03");
        var summary = Whole("summary");
        UpstreamVersion Clean(string day, string version) => new(AssetKey.Parse("clean"), Daily("clean", day).Partition, version);
        await PublishAsync(day3, Clean("2026-01-01", "a"), Clean("2026-01-02", "b"));
        await PublishAsync(day3, Clean("2026-01-01", "a"), Clean("2026-01-02", "b"), Clean("2026-01-03", "c"));
        await PublishAsync(summary, new UpstreamVersion(AssetKey.Parse("rolling"), null, "x"));
        await PublishAsync(Daily("raw", "2026-01-03"));

        var recorded = await Store.GetRecordedUpstreamAsync();

        Assert.Equal(2, recorded.Count);
        Assert.Equal([Clean("2026-01-01", "a"), Clean("2026-01-02", "b"), Clean("2026-01-03", "c")], recorded[day3]);
        Assert.Equal([new UpstreamVersion(AssetKey.Parse("rolling"), null, "x")], recorded[summary]);
        Assert.Equal([day3], (await Store.GetRecordedUpstreamAsync([AssetKey.Parse("rolling")])).Keys);
        Assert.Empty(await Store.GetRecordedUpstreamAsync([]));
    }
}

public sealed class DuckDbRecordedUpstreamTests() : RecordedUpstreamContract<DuckDbMetadataStore>(new DuckDbStoreUnderTest());

[Collection(PostgresTests.Name)]
public sealed class PostgresRecordedUpstreamTests(PostgresCluster cluster) : RecordedUpstreamContract<PostgresMetadataStore>(new PostgresStoreUnderTest(cluster));
