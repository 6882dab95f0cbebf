using Assets.Graph;
using Assets.Metadata;
using Assets.Planning;
using DuckDB.NET.Data;
using static Assets.Storage.Tests.Metadata.StatusGridPipelines;
using static Assets.Storage.Tests.Metadata.StoreFolder;

namespace Assets.Storage.Tests.Metadata;

/// <summary>
/// Schema version 9: the status read joins recorded reads with states on <c>materialization_key</c>, the id as a UUID, so
/// every write of an id must write its key, and a store from before the column has it filled when it is opened.
/// </summary>
public sealed class MaterializationKeyTests : OpenStoreTests
{
    private readonly AssetGraph _graph = new AssetGraphBuilder().AddTypes(typeof(Pipeline)).Build();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryWriteOfAnId_WritesItsKey_AndClearingTheIdClearsIt(bool deleteThenInsert)
    {
        Store.StateMergeStrategy = deleteThenInsert ? Assets.Storage.Metadata.DuckDbMetadataStore.StateMerge.DeleteThenInsert : Assets.Storage.Metadata.DuckDbMetadataStore.StateMerge.Upsert;
        foreach (var day in new[] { "2026-01-01", "2026-01-02", "2026-01-03" })
        {
            await PublishAsync(Daily("up", day), "v1");
            await PublishAsync(Daily("down", day), "v1", Read("up", day, "v1"));
        }

        // Republished over a state that had another id; failures with no id; then reconciled with pointers where up Jan 3
        // is gone (its id cleared), down Jan 1 points at yet another materialization and failed down Jan 2 keeps its
        // attempt's status but gets its pointer's id.
        await PublishAsync(Daily("up", "2026-01-01"), "v2");
        var pointers = (await Store.GetStatesAsync()).Where(s => s.Partition != Daily("up", "2026-01-03")).ToList();
        var moved = pointers.FindIndex(s => s.Partition == Daily("down", "2026-01-01"));
        pointers[moved] = pointers[moved] with { MaterializationId = MaterializationId.New() };
        await Store.SetStatesAsync([WithStatus(Daily("up", "2026-01-04"), PartitionStatus.Failed, "boom"), WithStatus(Daily("down", "2026-01-02"), PartitionStatus.Failed, "boom")]);
        await Store.ReplacePublishedStatesAsync(pointers);
        await Store.DisposeAsync();

        using (var connection = Open())
        {
            Assert.Equal((0L, 5L), Keys(connection, "partition_states"));
            Assert.Equal((0L, 3L), Keys(connection, "materialization_upstream"));
            Assert.Equal(2L, Scalar(connection, "SELECT count(*) FROM partition_states WHERE materialization_id IS NULL AND materialization_key IS NULL"));
        }

        Store = await OpenAsync();
    }

    [Fact]
    public async Task AStoreFromBeforeTheKey_HasItFilledWhenOpened_AndEvaluatesAsBefore()
    {
        await PublishAsync(Daily("up", "2026-01-01"), "v1");
        await PublishAsync(Daily("up", "2026-01-02"), "v1");
        await PublishAsync(Daily("down", "2026-01-01"), "v1", Read("up", "2026-01-01", "v1"));
        await PublishAsync(Daily("down", "2026-01-02"), "v1", Read("up", "2026-01-02", "v0"));
        await Store.DisposeAsync();

        // Back to schema version 8, as an older Assets left the file.
        using (var connection = Open())
        {
            Execute(connection, """
                ALTER TABLE partition_states DROP COLUMN materialization_key;
                ALTER TABLE materialization_upstream DROP COLUMN materialization_key;
                DELETE FROM schema_version WHERE version >= 9
                """);
        }

        Store = await OpenAsync();
        var compared = await new StatusGridCache().EvaluateAsync(_graph, Store, T0);
        var listed = StatusEvaluator.Evaluate(_graph, await Store.GetStatesAsync(), await Store.GetRecordedUpstreamAsync(), T0);

        Assert.Equal(9, await Store.GetSchemaVersionAsync());
        Assert.Equal(listed.Rows.ToList(), compared.Rows.ToList());
        Assert.Equal(
            [(PartitionStatus.Published, null), (PartitionStatus.Stale, "upstream up[2026-01-02] was republished with another data version (v0 → v1)")],
            compared.RowsOf(AssetKey.Parse("down")).Take(2).Select(r => (r.Status, r.Cause)));
        await Store.DisposeAsync();
        using (var connection = Open())
        {
            Assert.Equal((0L, 4L), Keys(connection, "partition_states"));
            Assert.Equal((0L, 2L), Keys(connection, "materialization_upstream"));
        }

        Store = await OpenAsync();
    }

    [Fact]
    public async Task AnIdThatIsNotCanonicalText_GetsNoKeyInTheMigration_SoItsReadsCountAsNotRead()
    {
        await PublishAsync(Daily("up", "2026-01-01"), "v1");
        await PublishAsync(Daily("down", "2026-01-01"), "v1", Read("up", "2026-01-01", "v1"));
        await Store.DisposeAsync();

        // Upper-case digits parse as a UUID but are not an id Assets writes: the key must not make them one.
        using (var connection = Open())
        {
            Execute(connection, """
                ALTER TABLE partition_states DROP COLUMN materialization_key;
                ALTER TABLE materialization_upstream DROP COLUMN materialization_key;
                UPDATE partition_states SET materialization_id = upper(materialization_id) WHERE asset = 'down';
                UPDATE materialization_upstream SET materialization_id = upper(materialization_id);
                DELETE FROM schema_version WHERE version >= 9
                """);
        }

        Store = await OpenAsync();
        var compared = await new StatusGridCache().EvaluateAsync(_graph, Store, T0);

        Assert.Equal(PartitionStatus.Stale, compared[Daily("down", "2026-01-01")].Status);
        Assert.Equal("upstream up[2026-01-01] was not read when this partition was published (it is new since)", compared[Daily("down", "2026-01-01")].Cause);
    }

    private DuckDBConnection Open()
    {
        var connection = new DuckDBConnection($"Data Source={Store.Path}");
        connection.Open();
        return connection;
    }

    /// <summary>Rows whose key is not their id as a UUID, and rows with a key.</summary>
    private static (long Wrong, long Keyed) Keys(DuckDBConnection connection, string table)
        => (Scalar(connection, $"SELECT count(*) FROM {table} WHERE materialization_key IS DISTINCT FROM materialization_id::UUID"),
            Scalar(connection, $"SELECT count(materialization_key) FROM {table}"));

    private static long Scalar(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static UpstreamVersion Read(string asset, string day, string version) => new(AssetKey.Parse(asset), Daily(asset, day).Partition, version);

    private async Task PublishAsync(AssetPartition partition, string dataVersion, params UpstreamVersion[] read)
    {
        var id = MaterializationId.New();
        await Store.RecordMaterializationAsync(new MaterializationRecord(partition, id, RunId.New(), dataVersion, "c1", 1, 1, "m", read, T0, T0, 1));
        await Store.SetStatesAsync([new PartitionState(partition, PartitionStatus.Published, null, id, dataVersion, "c1", 1, T0, T0)]);
    }
}
